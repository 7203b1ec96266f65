namespace FailClosed.Gates;

/// <summary>
/// A named, side-effecting action and the gate that must allow it. Built once, executed many times through an
/// <see cref="EvidenceFirstExecutor"/>.
/// </summary>
/// <typeparam name="TContext">The type of the value the gate judges and the side effect acts on.</typeparam>
/// <remarks>
/// The subject describer is where secrets are kept out of evidence: it turns a context into the short string that
/// every evidence record of an execution carries, such as <c>invoice INV-42</c> rather than the invoice itself.
/// Evidence is kept forever and read by auditors; never return passwords, tokens, account numbers or personal data.
/// A describer that throws blocks the execution with <see cref="GateCodes.Fault"/>.
/// </remarks>
public sealed class GuardedAction<TContext>
{
    private readonly Func<TContext, string?>? _describeSubject;

    /// <summary>Initializes a new instance of the <see cref="GuardedAction{TContext}"/> class.</summary>
    /// <param name="name">The action name: the key in the <see cref="ActionCatalog"/> and the action of every record. It
    /// follows the name rule of <see cref="Gate{TContext}.Gate(string)"/>: not empty, at most 256 characters, no control
    /// character or lone surrogate, no leading or trailing white space.</param>
    /// <param name="gate">The precondition that must allow every execution.</param>
    /// <param name="describeSubject">Turns a context into a short, secret-free description for evidence; when null,
    /// records carry no subject.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or breaks the name rule; the message quotes it.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    public GuardedAction(string name, Gate<TContext> gate, Func<TContext, string?>? describeSubject = null)
    {
        EvidenceName.ThrowIfInvalid(name, "action name");
        ArgumentNullException.ThrowIfNull(gate);
        Name = name;
        Gate = gate;
        _describeSubject = describeSubject;
    }

    /// <summary>Gets the action name.</summary>
    public string Name { get; }

    /// <summary>Gets the gate that must allow every execution.</summary>
    public Gate<TContext> Gate { get; }

    /// <summary>
    /// Gets the function that names who asked for an execution (an authenticated identity taken from the context, not
    /// free text). A review ticket needs it: without a requester, self-approval cannot be excluded, so the ticket can
    /// never be approved.
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public Func<TContext, string?>? Requester { get; init; }

    /// <summary>
    /// Gets the function that lists the facts of a request an approval is bound to (such as the invoice id, amount and
    /// payee), as name/value pairs. They are part of the request digest and are stored in the review queue; keep
    /// secrets out of them.
    /// </summary>
    /// <value><see langword="null"/> by default: only the action, requester, subject and pins are bound.</value>
    public Func<TContext, IReadOnlyList<KeyValuePair<string, string>>>? RequestFacts { get; init; }

    /// <summary>Describes <paramref name="context"/> for evidence, without secrets.</summary>
    /// <param name="context">The context of one execution.</param>
    /// <returns>The subject, or <see langword="null"/> when the action has no describer.</returns>
    public string? DescribeSubject(TContext context) => _describeSubject?.Invoke(context);

    /// <summary>Returns the action name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}
