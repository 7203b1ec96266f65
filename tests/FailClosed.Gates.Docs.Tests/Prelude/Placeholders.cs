// Declarations the repository's Markdown C# blocks may use without declaring them: the reader's own types and
// services. SnippetCompiler adds a local of the placeholder's type for each name a block uses; see its table.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using System.Security.Cryptography;
global using System.Threading;
global using System.Threading.Tasks;
global using FailClosed.Gates;

internal static class Docs
{
    /// <summary>Stands for a value the reader already has; a snippet is compiled, never run.</summary>
    public static T Given<T>() => default!;
}

internal sealed record Payment(string? ApproverId, decimal Amount, string Beneficiary);

internal sealed record PaymentRequest(string Role, decimal Amount);

internal sealed record Invoice(string Id, decimal Amount, string Payee, string RequestedBy = "rita@example.com");

internal readonly record struct PaymentId(string Value);

internal interface IScreeningService
{
    ValueTask<bool> IsClearAsync(string beneficiary, CancellationToken cancellationToken);
}

internal interface IPaymentService
{
    ValueTask<PaymentId> ApproveAsync(Invoice invoice, CancellationToken cancellationToken);
}

/// <summary>The reader's policy language: artifact bytes to a gate (see samples/PolicyPinning).</summary>
internal static class RoleLimitPolicyCompiler
{
    public static Gate<PaymentRequest> Compile(PolicyArtifact artifact) => throw new NotSupportedException();
}
