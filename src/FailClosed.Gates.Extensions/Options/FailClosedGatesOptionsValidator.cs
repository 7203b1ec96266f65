using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// Checks a registration's options when the host starts and reports every problem at once, one message each, naming
/// the setting (as its configuration key) and the fix.
/// </summary>
internal sealed class FailClosedGatesOptionsValidator : IValidateOptions<FailClosedGatesOptions>
{
    public ValidateOptionsResult Validate(string? name, FailClosedGatesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new ValidateOptionsResultBuilder();
        string prefix = string.IsNullOrEmpty(name) ? string.Empty : $"Registration '{name}': ";
        ValidateEvidence(options.Evidence, prefix, errors);
        ValidateCatalog(options.Catalog, prefix, errors);
        ValidatePolicies(options.Policies, prefix, errors);
        ValidateHealth(options.Health, prefix, errors);
        return errors.Build();
    }

    private static void ValidateEvidence(EvidenceOptions evidence, string prefix, ValidateOptionsResultBuilder errors)
    {
        if (evidence.WriteTimeout <= TimeSpan.Zero || evidence.WriteTimeout > EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout)
        {
            errors.AddError(Invariant($"{prefix}Evidence:WriteTimeout is '{evidence.WriteTimeout}'; set it to a positive time of at most {EvidenceFirstExecutorOptions.MaxEvidenceWriteTimeout}, such as 00:00:05."));
        }

        if (!Enum.IsDefined(evidence.Store))
        {
            errors.AddError(Invariant($"{prefix}Evidence:Store is '{evidence.Store}'; set it to 'File' or 'InMemory'."));
            return;
        }

        if (evidence.Store != EvidenceStore.File)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(evidence.Path))
        {
            errors.AddError($"{prefix}Evidence:Path is not set; set it to the journal file path (for example 'evidence/payments.journal'), or set Evidence:Store to 'InMemory' for a test host.");
        }
        else if (FindUnwritableDirectory(evidence.Path) is { } problem)
        {
            errors.AddError($"{prefix}Evidence:Path is '{evidence.Path}', but {problem}; point it at a directory this process can create files in.");
        }

        if (string.IsNullOrWhiteSpace(evidence.Origin))
        {
            errors.AddError($"{prefix}Evidence:Origin is not set; set it to the journal's origin, a schema-less URL such as 'audit.example.com/payments'.");
        }

        if (evidence.SigningKey is null)
        {
            if (string.IsNullOrWhiteSpace(evidence.SigningKeyPath))
            {
                errors.AddError($"{prefix}Evidence:SigningKeyPath is not set; set it to a PEM file holding the ECDSA P-256 private key that signs checkpoints, or set Evidence.SigningKey in code.");
            }
            else if (!File.Exists(evidence.SigningKeyPath))
            {
                errors.AddError($"{prefix}Evidence:SigningKeyPath is '{evidence.SigningKeyPath}', but no such file exists; create the key (for example with 'openssl ecparam -name prime256v1 -genkey -noout') or fix the path.");
            }
            else if (TryLoadKey(evidence.SigningKeyPath, requirePrivate: true) is { } keyProblem)
            {
                errors.AddError($"{prefix}Evidence:SigningKeyPath is '{evidence.SigningKeyPath}', but {keyProblem}; it must hold an ECDSA P-256 private key in PEM.");
            }
        }

        foreach (KeyValuePair<string, string> previous in evidence.PreviousSigningKeys)
        {
            if (string.IsNullOrWhiteSpace(previous.Value) || !File.Exists(previous.Value))
            {
                errors.AddError($"{prefix}Evidence:PreviousSigningKeys:{previous.Key} is '{previous.Value}', but no such file exists; point it at the PEM file of the key that signed before the rotation, or remove the entry.");
            }
            else if (TryLoadKey(previous.Value, requirePrivate: false) is { } keyProblem)
            {
                errors.AddError($"{prefix}Evidence:PreviousSigningKeys:{previous.Key} is '{previous.Value}', but {keyProblem}; it must hold an ECDSA P-256 key in PEM.");
            }
        }

        if (evidence.CheckpointEveryRecords < 1)
        {
            errors.AddError(Invariant($"{prefix}Evidence:CheckpointEveryRecords is {evidence.CheckpointEveryRecords}; set it to 1 or more."));
        }

        if (evidence.CheckpointInterval != Timeout.InfiniteTimeSpan && evidence.CheckpointInterval <= TimeSpan.Zero)
        {
            errors.AddError(Invariant($"{prefix}Evidence:CheckpointInterval is '{evidence.CheckpointInterval}'; set it to a positive time, or to -00:00:00.001 (infinite) for no timer."));
        }
    }

    private static void ValidateCatalog(CatalogOptions catalog, string prefix, ValidateOptionsResultBuilder errors)
    {
        if (catalog.Strict && catalog.Actions.Count == 0)
        {
            errors.AddError($"{prefix}Catalog:Strict is true but Catalog:Actions is empty, so every action would be blocked as unclassified; list the actions, or set Catalog:Strict to false.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < catalog.Actions.Count; i++)
        {
            GuardedActionOptions action = catalog.Actions[i];
            string key = Invariant($"{prefix}Catalog:Actions:{i}");
            if (string.IsNullOrWhiteSpace(action.Name))
            {
                errors.AddError($"{key}:Name is not set; give every catalog entry the action name it classifies.");
                continue;
            }

            if (!seen.Add(action.Name))
            {
                errors.AddError($"{key}:Name '{action.Name}' is listed more than once; each action has exactly one fail mode, so remove the duplicate entry.");
            }

            if (action.FailOpen)
            {
                if (string.IsNullOrWhiteSpace(action.Justification))
                {
                    errors.AddError($"{key} ('{action.Name}') is a fail-open exemption without a Justification; say why running without confidence is acceptable, or remove FailOpen.");
                }

                if (action.ReviewBy is not { } reviewBy || reviewBy == default || reviewBy == DateTimeOffset.MaxValue)
                {
                    errors.AddError($"{key} ('{action.Name}') is a fail-open exemption without a ReviewBy date; set the date from which it counts as closed (for example '2027-03-31T00:00:00Z'), or remove FailOpen.");
                }
            }
            else if (action.Justification is not null || action.ReviewBy is not null)
            {
                errors.AddError($"{key} ('{action.Name}') has a Justification or ReviewBy but FailOpen is false; set FailOpen to true to grant the exemption, or remove them.");
            }
        }
    }

    private static void ValidatePolicies(PolicyOptions policies, string prefix, ValidateOptionsResultBuilder errors)
    {
        if (policies.Directory is { } directory && !System.IO.Directory.Exists(directory))
        {
            errors.AddError($"{prefix}Policies:Directory is '{directory}', but no such directory exists; fix the path or remove the setting.");
        }

        if (policies.RequireSignatures && policies.TrustedKeys.Count == 0)
        {
            errors.AddError($"{prefix}Policies:RequireSignatures is true but Policies:TrustedKeys is empty, so no signature could ever verify; add the publishers' public keys (key id to PEM file), or set RequireSignatures to false.");
        }

        foreach (KeyValuePair<string, string> key in policies.TrustedKeys)
        {
            if (string.IsNullOrWhiteSpace(key.Value) || !File.Exists(key.Value))
            {
                errors.AddError($"{prefix}Policies:TrustedKeys:{key.Key} is '{key.Value}', but no such file exists; point it at the PEM file of the key's ECDSA public key.");
                continue;
            }

            try
            {
                _ = PolicyTrustStore.FromPem([new(key.Key, File.ReadAllText(key.Value))]);
            }
            catch (Exception exception) when (exception is ArgumentException or IOException or UnauthorizedAccessException)
            {
                errors.AddError($"{prefix}Policies:TrustedKeys:{key.Key} is '{key.Value}', but it cannot be trusted as a key ({exception.Message.TrimEnd('.')}); point it at a PEM 'PUBLIC KEY' block of an ECDSA key.");
            }
        }
    }

    private static void ValidateHealth(HealthOptions health, string prefix, ValidateOptionsResultBuilder errors)
    {
        if (health.SlowAppendThreshold <= TimeSpan.Zero)
        {
            errors.AddError(Invariant($"{prefix}Health:SlowAppendThreshold is '{health.SlowAppendThreshold}'; set it to a positive time, such as 00:00:01."));
        }

        if (health.QueuedReviewThreshold < 1)
        {
            errors.AddError(Invariant($"{prefix}Health:QueuedReviewThreshold is {health.QueuedReviewThreshold}; set it to 1 or more."));
        }
    }

    /// <summary>Finds why files could not be created next to <paramref name="path"/>, without creating any directory.</summary>
    private static string? FindUnwritableDirectory(string path)
    {
        string? directory;
        try
        {
            directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "it is not a valid path (" + exception.GetType().Name + ")";
        }

        // The nearest existing ancestor must be a directory we can write in; the rest is created at open.
        while (directory is not null && !System.IO.Directory.Exists(directory))
        {
            if (File.Exists(directory))
            {
                return $"'{directory}' is a file, not a directory";
            }

            directory = System.IO.Path.GetDirectoryName(directory);
        }

        if (directory is null)
        {
            return "none of its parent directories exists";
        }

        try
        {
            string probe = System.IO.Path.Combine(directory, ".failclosed-probe-" + Guid.NewGuid().ToString("N"));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"the directory '{directory}' is not writable ({exception.GetType().Name})";
        }
    }

    private static string? TryLoadKey(string path, bool requirePrivate)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            _ = key.ExportParameters(includePrivateParameters: requirePrivate);
            return null;
        }
        catch (Exception exception) when (exception is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return "it does not hold a readable ECDSA " + (requirePrivate ? "private " : string.Empty) + "key (" + exception.GetType().Name + ")";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
