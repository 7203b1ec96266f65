using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Testing;

/// <summary>FsCheck generators of evidence records.</summary>
internal static class EvidenceArbitraries
{
    public static Arbitrary<EvidenceRecord> Records()
    {
        Gen<string> text = Gen.OneOf(
            Gen.Elements("", "a", "payments.release", "naïve", "\"q\"", "<&>", "tab\tnew\nline", "😀 emoji", "\u2028"),
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(static s => RemoveLoneSurrogates(s.Get)));
        Gen<string?> optional = Gen.OneOf(text.Select(static s => (string?)s), Gen.Constant<string?>(null));
        // Pins validate their names and versions, so only valid ones can be in a record.
        Gen<PolicyPin> pin = Gen.Elements("a", "payments.release", "limits-v2", "p_1+x", "0")
            .SelectMany(static n => Gen.Elements("1", "2.0.1", "2026-11-01").Select(v => new PolicyPin(n, v, new string('b', 64))));
        Gen<PolicyPin[]> pins = Gen.Choose(0, 3).SelectMany(n => pin.ArrayOf(n));
        Gen<DateTimeOffset> ts = Gen.Choose(0, int.MaxValue).Select(static t =>
            new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(t % 3)).AddTicks((long)t * 997));

        Gen<EvidenceRecord> gen =
            from timestamp in ts
            from kind in Gen.Choose(0, 7)
            from verdict in Gen.Choose(0, 2)
            from action in text
            from code in text
            from gate in text
            from p in pins
            from subject in optional
            from corr in text
            from trace in optional
            from detail in optional
            select new EvidenceRecord
            {
                Timestamp = timestamp,
                Kind = (EvidenceKind)kind,
                Verdict = (Verdict)verdict,
                Action = action,
                Code = code,
                Gate = gate,
                Pins = p,
                Subject = subject,
                ExecutionId = corr,
                TraceId = trace,
                Detail = detail,
            };
        return gen.ToArbitrary();
    }

    private static string RemoveLoneSurrogates(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }
}
