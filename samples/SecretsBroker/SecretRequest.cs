namespace FailClosed.Gates.Samples.SecretsBroker;

/// <summary>A workload asks for a secret: the identity its platform attested (or none) and its bearer token.</summary>
internal sealed record SecretRequest(string SecretName, VerifiedIdentity? Workload, string Token)
{
    /// <summary>What the evidence says about the request: who and which secret, never the token.</summary>
    public string Describe() => $"workload={Workload?.Subject ?? "(none)"} secret={SecretName}";
}
