using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Combinators: gates built from gates. Each validates its arguments at construction, never per evaluation.</summary>
public static partial class Gate
{
    /// <summary>The number of cached verdicts a <see cref="Cached{TContext, TKey}(Gate{TContext}, TimeSpan, Func{TContext, TKey}, TimeProvider?, int)"/> gate keeps by default.</summary>
    public const int DefaultMaxCacheEntries = 10_000;

    /// <summary>The longest timeout a <see cref="Timeout{TContext}(Gate{TContext}, TimeSpan, TimeProvider?)"/> gate accepts: about 49.7 days.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Creates a gate that allows iff every child allows (strong-Kleene AND). Children are evaluated in order: the
    /// first <see cref="Verdict.Deny"/> stops the evaluation and is returned; an <see cref="Verdict.Indeterminate"/>
    /// child is remembered and the rest are still asked, so a later deny wins. With no deny, the first indeterminate
    /// decision is returned; with neither, an allow named after this gate.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gates">The children, evaluated in order until one denies; copied, so later changes to the array have no effect.</param>
    /// <returns>The gate, named <c>all(child, ...)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gates"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="gates"/> is empty or holds a null.</exception>
    public static Gate<TContext> All<TContext>(params Gate<TContext>[] gates)
    {
        Gate<TContext>[] children = CopyChildren(gates, nameof(All));
        return new AllGate<TContext>(CompositeName("all", children), children);
    }

    /// <summary>
    /// Creates a named gate that allows iff every child allows (strong-Kleene AND): the first deny in declaration order
    /// if any child denies, else the first indeterminate decision, else an allow; see <see cref="All{TContext}(Gate{TContext}[])"/>.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="gates">The children, evaluated in order until one denies; copied, so later changes to the array have no effect.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gates"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>;
    /// or <paramref name="gates"/> is empty or holds a null.</exception>
    public static Gate<TContext> All<TContext>(string name, params Gate<TContext>[] gates) =>
        new AllGate<TContext>(name, CopyChildren(gates, nameof(All)));

    /// <summary>
    /// Creates a gate that allows iff some child allows, returning the first allowing child's decision; otherwise the
    /// first indeterminate decision if any, else the first deny.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gates">The children, evaluated in order until one allows; copied.</param>
    /// <returns>The gate, named <c>any(child, ...)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gates"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="gates"/> is empty or holds a null.</exception>
    public static Gate<TContext> Any<TContext>(params Gate<TContext>[] gates)
    {
        Gate<TContext>[] children = CopyChildren(gates, nameof(Any));
        return new AnyGate<TContext>(CompositeName("any", children), children);
    }

    /// <summary>
    /// Creates a named gate that allows iff some child allows, returning the first allowing child's decision; otherwise
    /// the first indeterminate decision if any, else the first deny.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="gates">The children, evaluated in order until one allows; copied.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gates"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>;
    /// or <paramref name="gates"/> is empty or holds a null.</exception>
    public static Gate<TContext> Any<TContext>(string name, params Gate<TContext>[] gates) =>
        new AnyGate<TContext>(name, CopyChildren(gates, nameof(Any)));

    /// <summary>Creates a gate that turns Allow into Deny and Deny into Allow. Indeterminate stays Indeterminate.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The gate to negate.</param>
    /// <returns>The gate, named <c>not(child)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    public static Gate<TContext> Not<TContext>(Gate<TContext> gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return new NotGate<TContext>(EvidenceName.Compose("not", gate.Name), gate);
    }

    /// <summary>Creates a named gate that turns Allow into Deny and Deny into Allow. Indeterminate stays Indeterminate.</summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="gate">The gate to negate.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    public static Gate<TContext> Not<TContext>(string name, Gate<TContext> gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return new NotGate<TContext>(name, gate);
    }

    /// <summary>
    /// Creates a gate that gives <paramref name="gate"/> at most <paramref name="timeout"/> to answer; no answer in
    /// time is <see cref="Verdict.Indeterminate"/> with code <see cref="GateCodes.Timeout"/>.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="gate">The gate to limit.</param>
    /// <param name="timeout">The time limit; greater than zero.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The gate, named <c>timeout(child)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative, infinite or above <see cref="MaxTimeout"/>.</exception>
    public static Gate<TContext> Timeout<TContext>(Gate<TContext> gate, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return Timeout(EvidenceName.Compose("timeout", gate.Name), gate, timeout, timeProvider);
    }

    /// <summary>
    /// Creates a named gate that gives <paramref name="gate"/> at most <paramref name="timeout"/> to answer; no answer
    /// in time is <see cref="Verdict.Indeterminate"/> with code <see cref="GateCodes.Timeout"/>.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="gate">The gate to limit.</param>
    /// <param name="timeout">The time limit; greater than zero.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the name rule of <see cref="Gate{TContext}.Gate(string)"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero, negative, infinite or above <see cref="MaxTimeout"/>.</exception>
    public static Gate<TContext> Timeout<TContext>(string name, Gate<TContext> gate, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(gate);
        RequirePositive(timeout, nameof(timeout), "A timeout");
        if (timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeout),
                timeout,
                string.Create(CultureInfo.InvariantCulture, $"A timeout must be at most {MaxTimeout} (the longest a timer supports); {timeout} was given."));
        }

        return new TimeoutGate<TContext>(name, gate, timeout, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// Creates a gate that reuses <paramref name="gate"/>'s definite verdict (Allow or Deny) for the same key for
    /// <paramref name="timeToLive"/>. Indeterminate decisions are never cached; a stale entry is never served; and when
    /// an expired entry's refresh is not definite the result is <see cref="GateCodes.CacheStale"/>, not the old answer.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <typeparam name="TKey">The cache key: everything the verdict depends on.</typeparam>
    /// <param name="gate">The gate whose verdicts are cached.</param>
    /// <param name="timeToLive">How long a verdict may be reused, measured from when it was asked for; greater than zero.</param>
    /// <param name="keySelector">Derives the key from the context. An exception it throws is a <see cref="GateCodes.Fault"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="maxEntries">The most verdicts kept; when full, expired entries are dropped and, if still full, new
    /// verdicts are not cached. Greater than zero; <see cref="DefaultMaxCacheEntries"/> by default.</param>
    /// <returns>The gate, named <c>cached(child)</c> (cut to 256 characters, ending <c>…)</c>, when longer).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> or <paramref name="keySelector"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is zero, negative or infinite, or
    /// <paramref name="maxEntries"/> is not positive.</exception>
    public static Gate<TContext> Cached<TContext, TKey>(
        Gate<TContext> gate,
        TimeSpan timeToLive,
        Func<TContext, TKey> keySelector,
        TimeProvider? timeProvider = null,
        int maxEntries = DefaultMaxCacheEntries)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(keySelector);
        RequirePositive(timeToLive, nameof(timeToLive), "A cache time-to-live");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        return new CachedGate<TContext, TKey>(EvidenceName.Compose("cached", gate.Name), gate, timeToLive, keySelector, timeProvider ?? TimeProvider.System, maxEntries);
    }

    private static Gate<TContext>[] CopyChildren<TContext>(Gate<TContext>[] gates, string combinator)
    {
        ArgumentNullException.ThrowIfNull(gates);
        if (gates.Length == 0)
        {
            throw new ArgumentException($"{combinator}() needs at least one gate: a combinator of nothing has no meaning, and must not allow by default.", nameof(gates));
        }

        var children = new Gate<TContext>[gates.Length];
        for (int i = 0; i < gates.Length; i++)
        {
            children[i] = gates[i] ?? throw new ArgumentException($"{combinator}() was given a null gate at index {i}; every child must be a gate.", nameof(gates));
        }

        return children;
    }

    private static string CompositeName<TContext>(string combinator, Gate<TContext>[] children)
    {
        var names = new string[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            names[i] = children[i].Name;
        }

        return EvidenceName.Compose(combinator, names);
    }

    private static void RequirePositive(TimeSpan value, string paramName, string what)
    {
        if (value <= TimeSpan.Zero || value == System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{what} must be greater than zero and finite; {value} was given."));
        }
    }
}
