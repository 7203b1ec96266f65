using FailClosed.Gates;
using FailClosed.Gates.Samples.PolicyPinning;

// A payment release is judged by one exact, signed policy artifact: payments-release version 3, whose bytes
// must hash to the digest below. The pin is configuration, reviewed like code. There is no "latest" and no
// fallback: a missing, corrupted or unsigned artifact blocks every payment, with a code that says why.
PolicyPin pin = PolicyPin.Parse("payments-release@3#sha256:2372cc64f5cef69c829f03b66f7f5962d2bbc777307f3589ca9515699c39a167");

string baseDirectory = AppContext.BaseDirectory;
PolicyTrustStore trust = PolicyTrustStore.FromPem(new Dictionary<string, string>
{
    ["release-2026"] = File.ReadAllText(Path.Combine(baseDirectory, "keys", "release-2026.pem")),
});
PolicyVerification signed = PolicyVerification.RequireSignature(trust);
string policies = Path.Combine(baseDirectory, "policies");

PaymentRequest[] requests =
[
    new("clerk", 900m),
    new("clerk", 5_000m),
    new("treasurer", 120_000m),
    new("intern", 50m),
];

Console.WriteLine($"Pinned policy: {pin}");
Console.WriteLine();
Console.WriteLine("1. The pinned artifact is present, intact and signed by a trusted key:");
await JudgeAsync(Build(pin, new FilePolicySource(policies)), requests);

Console.WriteLine("2. The pin names version 4, which was never published (versions 2 and 3 are on disk):");
PolicyPin unpublished = new(pin.Name, "4", pin.Sha256);
await JudgeAsync(Build(unpublished, new FilePolicySource(policies)), requests[..1]);

// Work on a copy so the sample's own artifacts stay intact.
string copy = Path.Combine(Path.GetTempPath(), "policy-pinning-sample-" + Guid.NewGuid().ToString("N"));
try
{
    CopyDirectory(policies, copy);
    string artifact = new FilePolicySource(copy).GetArtifactPath(pin);

    Console.WriteLine("3. One byte of the artifact changed on disk (the clerk's limit 1000 became 9000):");
    byte[] bytes = File.ReadAllBytes(artifact);
    bytes[Array.IndexOf(bytes, (byte)'1')] = (byte)'9';
    File.WriteAllBytes(artifact, bytes);
    await JudgeAsync(Build(pin, new FilePolicySource(copy)), requests[1..2]);

    Console.WriteLine("4. Someone re-pinned the changed bytes, but could not re-sign them:");
    PolicyPin repinned = PolicyPin.FromContent(pin.Name, pin.Version, bytes);
    await JudgeAsync(Build(repinned, new FilePolicySource(copy)), requests[1..2]);

    Console.WriteLine("5. The artifact is back to its original bytes, but its signature file is gone:");
    File.WriteAllBytes(artifact, File.ReadAllBytes(new FilePolicySource(policies).GetArtifactPath(pin)));
    File.Delete(artifact + FilePolicySource.SignatureExtension);
    await JudgeAsync(Build(pin, new FilePolicySource(copy)), requests[..1]);
}
finally
{
    Directory.Delete(copy, recursive: true);
}

Gate<PaymentRequest> Build(PolicyPin policy, IPolicySource source) =>
    Gate.Pinned<PaymentRequest>(policy, source, RoleLimitPolicyCompiler.Compile, signed)
        .WithTimeout(TimeSpan.FromSeconds(2));

static async Task JudgeAsync(Gate<PaymentRequest> gate, PaymentRequest[] requests)
{
    foreach (PaymentRequest request in requests)
    {
        GateDecision decision = await gate.EvaluateAsync(request);
        string outcome = decision.IsAllowed ? "RELEASED" : "BLOCKED ";
        Console.WriteLine($"   {outcome} {request.Role,-9} {request.Amount,10:N0}  {decision.Verdict}({decision.Code}) by '{decision.Gate}'");
        if (decision.Reason is not null && !decision.IsAllowed)
        {
            Console.WriteLine($"            {decision.Reason}");
        }

        Console.WriteLine($"            under {decision.Pin?.ToString() ?? "no pin"}");
    }

    Console.WriteLine();
}

static void CopyDirectory(string from, string to)
{
    foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
    {
        string target = Path.Combine(to, Path.GetRelativePath(from, file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target);
    }
}
