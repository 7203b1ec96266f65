using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>Law checks for gates built on pinned policies; each throws <see cref="LawViolationException"/> with the failing case and its seed.</summary>
public static class PinnedGateLaws
{
    /// <summary>
    /// Checks that a pinned gate never allows when its source serves a mutated artifact: one bit flipped, a byte of
    /// whitespace appended or inserted (JSON still parses), a byte dropped, or the content truncated.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="pin">The pin of the intact artifact.</param>
    /// <param name="content">The intact artifact's bytes.</param>
    /// <param name="create">Creates the gate under test on a source; called once per case.</param>
    /// <param name="context">A context the gate allows with the intact artifact.</param>
    /// <param name="options">How many cases, from which seed; <see cref="LawCheckOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is null.</exception>
    /// <exception cref="ArgumentException">The gate does not allow <paramref name="context"/> even with the intact
    /// artifact, so the check could prove nothing.</exception>
    /// <exception cref="LawViolationException">The gate allowed with a mutated artifact.</exception>
    public static void NeverAllowsMutatedArtifact<TContext>(
        PolicyPin pin,
        ReadOnlyMemory<byte> content,
        Func<IPolicySource, Gate<TContext>> create,
        TContext context,
        LawCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (content.IsEmpty)
        {
            throw new ArgumentException("The intact artifact is empty, so there is nothing to mutate.", nameof(content));
        }

        GateDecision intact = GateLaws.Evaluate(create(new FixedSource(pin, content)), context);
        if (!intact.IsAllowed)
        {
            throw new ArgumentException($"The gate must allow the context with the intact artifact for this check to prove anything, but it answered {intact}.", nameof(context));
        }

        Gen<Mutation> gen =
            from kind in Gen.Elements(Enum.GetValues<MutationKind>())
            from position in Gen.Choose(0, content.Length - 1)
            from bit in Gen.Choose(0, 7)
            from whitespace in Gen.Elements((byte)' ', (byte)'\n', (byte)'\t', (byte)'\r')
            select new Mutation(kind, position, bit, whitespace);
        LawRunner.Check("NeverAllowsMutatedArtifact", options, Prop.ForAll(gen.ToArbitrary(), mutation =>
        {
            byte[] mutated = mutation.Apply(content.Span);
            GateDecision decision = GateLaws.Evaluate(create(new FixedSource(pin, mutated)), context);
            return (!decision.IsAllowed).Label($"allowed with the artifact mutated ({mutation}): {decision}");
        }));
    }

    private enum MutationKind
    {
        FlipBit,
        AppendWhitespace,
        InsertWhitespace,
        DropByte,
        Truncate,
    }

    private sealed record Mutation(MutationKind Kind, int Position, int Bit, byte Whitespace)
    {
        public byte[] Apply(ReadOnlySpan<byte> content)
        {
            var bytes = new List<byte>(content.ToArray());
            switch (Kind)
            {
                case MutationKind.FlipBit:
                    bytes[Position] ^= (byte)(1 << Bit);
                    break;
                case MutationKind.AppendWhitespace:
                    bytes.Add(Whitespace);
                    break;
                case MutationKind.InsertWhitespace:
                    bytes.Insert(Position, Whitespace);
                    break;
                case MutationKind.DropByte:
                    bytes.RemoveAt(Position);
                    break;
                case MutationKind.Truncate:
                    bytes.RemoveRange(Position, bytes.Count - Position);
                    break;
            }

            return [.. bytes];
        }

        public override string ToString() => Kind switch
        {
            MutationKind.FlipBit => $"bit {Bit} of byte {Position} flipped",
            MutationKind.AppendWhitespace => $"0x{Whitespace:x2} appended",
            MutationKind.InsertWhitespace => $"0x{Whitespace:x2} inserted at byte {Position}",
            MutationKind.DropByte => $"byte {Position} dropped",
            _ => $"truncated to {Position} bytes",
        };
    }

    /// <summary>Serves one artifact under one pin, whatever its digest.</summary>
    private sealed class FixedSource(PolicyPin pin, ReadOnlyMemory<byte> content) : IPolicySource
    {
        public ValueTask<PolicyArtifact?> TryLoadAsync(PolicyPin requested, CancellationToken cancellationToken) =>
            new(requested == pin ? new PolicyArtifact(pin, content) : null);
    }
}
