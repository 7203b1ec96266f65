using System.Security.Cryptography;

namespace FailClosed.Gates.Extensions.Tests.TestUtilities;

/// <summary>A temporary directory with a checkpoint signing key in PEM, and the options of a file journal in it.</summary>
public sealed class TestJournal : IDisposable
{
    public TestJournal()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fcg-ext-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        KeyPath = System.IO.Path.Combine(Directory, "checkpoint-key.pem");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(KeyPath, key.ExportECPrivateKeyPem());
        PublicKeyPath = System.IO.Path.Combine(Directory, "policy-key.pub.pem");
        File.WriteAllText(PublicKeyPath, key.ExportSubjectPublicKeyInfoPem());
        Path = System.IO.Path.Combine(Directory, "evidence", "test.journal");
    }

    public string Directory { get; }

    public string KeyPath { get; }

    public string Path { get; }

    /// <summary>Gets the path of a PEM public key, as a trust store holds it.</summary>
    public string PublicKeyPath { get; }

    /// <summary>Points <paramref name="options"/> at this journal: a checkpoint after every record, no timer.</summary>
    public void Configure(FailClosedGatesOptions options)
    {
        options.Evidence.Path = Path;
        options.Evidence.Origin = "test.example/extensions";
        options.Evidence.SigningKeyPath = KeyPath;
        options.Evidence.CheckpointEveryRecords = 1;
        options.Evidence.CheckpointInterval = Timeout.InfiniteTimeSpan;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
