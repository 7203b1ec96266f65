using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// The answer of a gate: a <see cref="FailClosed.Gates.Verdict"/>, a stable <see cref="Code"/>, the gate that decided and why.
/// </summary>
/// <remarks>
/// <para>
/// <c>default(GateDecision)</c> is <see cref="Verdict.Indeterminate"/> with code <see cref="GateCodes.Unset"/>:
/// a decision nobody made blocks. Only <see cref="IsAllowed"/> lets a guarded call proceed.
/// </para>
/// <para>
/// A decision is an immutable value two references wide. Creating one with <see cref="Allow"/>, <see cref="Deny"/> or
/// <see cref="Indeterminate"/> allocates one small object; gates create theirs once and return the same value on
/// every evaluation, which allocates nothing. Do the same in a custom gate: keep decisions in fields. The exception
/// of a fault and the policy pin of a pinned gate travel with the decision for logging and evidence, but take no
/// part in what it allows.
/// </para>
/// </remarks>
public readonly struct GateDecision : IEquatable<GateDecision>
{
    // Two references wide on purpose: a decision is copied through a ValueTask at every level of a gate tree, and
    // a wider struct made each level several times slower (see benchmarks/README.md).
    private readonly DecisionCore? _core;
    private readonly DecisionDetail? _detail;

    private GateDecision(DecisionCore core, DecisionDetail? detail)
    {
        _core = core;
        _detail = detail;
    }

    /// <summary>Gets the verdict.</summary>
    /// <value><see cref="Verdict.Indeterminate"/> for <c>default(GateDecision)</c>.</value>
    public Verdict Verdict => _core?.Verdict ?? Verdict.Indeterminate;

    /// <summary>Gets the stable code saying why; one of <see cref="GateCodes"/> or a caller-defined code.</summary>
    /// <value><see cref="GateCodes.Unset"/> for <c>default(GateDecision)</c>.</value>
    public string Code => _core?.Code ?? GateCodes.Unset;

    /// <summary>Gets the name of the gate that decided.</summary>
    /// <value>The empty string for <c>default(GateDecision)</c>.</value>
    public string Gate => _core?.Gate ?? string.Empty;

    /// <summary>Gets a human-readable explanation, or <see langword="null"/> when the code says it all.</summary>
    public string? Reason => _core?.Reason;

    /// <summary>Gets the exception that was turned into this block, kept for logging; never rethrown.</summary>
    public Exception? Exception => _detail?.Exception;

    /// <summary>Gets the pin of the policy artifact under which this decision was made, if any.</summary>
    public PolicyPin? Pin => _detail?.Pin;

    /// <summary>Gets a value indicating whether the decision allows the guarded call to proceed.</summary>
    public bool IsAllowed => Verdict == Verdict.Allow;

    /// <summary>Gets a value indicating whether the decision blocks (a <see cref="Verdict.Deny"/>, an
    /// <see cref="Verdict.Indeterminate"/> or any undefined verdict).</summary>
    public bool IsBlocked => Verdict != Verdict.Allow;

    /// <summary>Gets a value indicating whether the decision was actually made (it is not <c>default</c>).</summary>
    internal bool IsSet => _core is not null;

    internal DecisionDetail? Detail => _detail;

    /// <summary>Creates an allow decision with code <see cref="GateCodes.Allowed"/>.</summary>
    /// <param name="gate">The name of the deciding gate.</param>
    /// <param name="reason">An optional explanation.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="gate"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    public static GateDecision Allow(string gate, string? reason = null)
    {
        EvidenceName.ThrowIfInvalid(gate, "gate name");
        return new GateDecision(new DecisionCore(Verdict.Allow, GateCodes.Allowed, gate, reason), null);
    }

    /// <summary>Creates a definite deny decision.</summary>
    /// <param name="gate">The name of the deciding gate.</param>
    /// <param name="reason">An optional explanation.</param>
    /// <param name="code">The stable code; <see cref="GateCodes.Denied"/> by default.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="gate"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>,
    /// <paramref name="code"/> is null or empty, or <paramref name="code"/> is <see cref="GateCodes.Allowed"/>.</exception>
    public static GateDecision Deny(string gate, string? reason = null, string code = GateCodes.Denied)
    {
        EvidenceName.ThrowIfInvalid(gate, "gate name");
        ValidateBlockCode(code);
        return new GateDecision(new DecisionCore(Verdict.Deny, code, gate, reason), null);
    }

    /// <summary>Creates an indeterminate decision: confidence could not be established, so the call is blocked.</summary>
    /// <param name="gate">The name of the deciding gate.</param>
    /// <param name="code">The stable code, such as <see cref="GateCodes.Fault"/> or <see cref="GateCodes.Timeout"/>.</param>
    /// <param name="reason">An optional explanation.</param>
    /// <param name="exception">The exception that caused the block, kept for logging.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="gate"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>,
    /// <paramref name="code"/> is null or empty, or <paramref name="code"/> is <see cref="GateCodes.Allowed"/>.</exception>
    public static GateDecision Indeterminate(string gate, string code, string? reason = null, Exception? exception = null)
    {
        EvidenceName.ThrowIfInvalid(gate, "gate name");
        ValidateBlockCode(code);
        return new GateDecision(
            new DecisionCore(Verdict.Indeterminate, code, gate, reason),
            exception is null ? null : new DecisionDetail(exception, null));
    }

    /// <summary>Returns a copy of this decision that names the policy artifact under which it was made.</summary>
    /// <param name="pin">The pin of the policy artifact.</param>
    /// <returns>The decision with <see cref="Pin"/> set; verdict, code, gate and reason unchanged.</returns>
    public GateDecision WithPin(PolicyPin pin) => WithDetail(new DecisionDetail(Exception, pin));

    internal GateDecision WithDetail(DecisionDetail? detail) => new(_core ?? new DecisionCore(Verdict, Code, Gate, Reason), detail);

    internal GateDecision WithGate(string gate) => new(new DecisionCore(Verdict, Code, gate, Reason), _detail);

    /// <summary>
    /// Attaches a pin in one copy: <paramref name="shared"/> when the decision carries no exception (so nothing is
    /// allocated), a new detail with both otherwise; an unset decision is attributed to <paramref name="gateIfUnset"/>.
    /// </summary>
    internal GateDecision WithPinDetail(DecisionDetail shared, string gateIfUnset)
    {
        if (_core is not null && _detail?.Pin is not null)
        {
            return this; // a pinned gate nested inside the policy decided: its pin is the one that names the policy
        }

        DecisionDetail detail = _detail?.Exception is { } exception ? new DecisionDetail(exception, shared.Pin) : shared;
        return new GateDecision(_core ?? new DecisionCore(Verdict.Indeterminate, GateCodes.Unset, gateIfUnset, null), detail);
    }

    /// <inheritdoc />
    public bool Equals(GateDecision other) =>
        Verdict == other.Verdict
        && string.Equals(Code, other.Code, StringComparison.Ordinal)
        && string.Equals(Gate, other.Gate, StringComparison.Ordinal)
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
        && Nullable.Equals(Pin, other.Pin);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GateDecision other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Verdict, Code, Gate, Reason);

    /// <summary>Returns a one-line description such as <c>Deny(Denied) by 'amount-limit': over limit</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        Reason is null
            ? string.Create(CultureInfo.InvariantCulture, $"{Verdict}({Code}) by '{Gate}'")
            : string.Create(CultureInfo.InvariantCulture, $"{Verdict}({Code}) by '{Gate}': {Reason}");

    /// <summary>Determines whether two decisions are equal (verdict, code, gate, reason and pin).</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(GateDecision left, GateDecision right) => left.Equals(right);

    /// <summary>Determines whether two decisions differ.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(GateDecision left, GateDecision right) => !left.Equals(right);

    private static void ValidateBlockCode(string code)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        if (string.Equals(code, GateCodes.Allowed, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The code '{GateCodes.Allowed}' belongs to allow decisions only; a block needs a code that says why it blocks.", nameof(code));
        }
    }
}
