namespace FailClosed.Gates;

/// <summary>Identity gates.</summary>
public static partial class Gate
{
    /// <summary>
    /// Creates a gate that allows only when <paramref name="identityOf"/> returns a verified identity whose credential has
    /// not expired by <paramref name="timeProvider"/>. A missing or expired identity is <see cref="Verdict.Indeterminate"/>
    /// with <see cref="GateCodes.IdentityMissing"/>; there is no anonymous fallback.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged.</typeparam>
    /// <param name="name">The gate's name.</param>
    /// <param name="identityOf">Reads the verified identity from the context; <see langword="null"/> when there is none.</param>
    /// <param name="timeProvider">The clock that judges expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The gate.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="identityOf"/> is null.</exception>
    public static Gate<TContext> RequireIdentity<TContext>(string name, Func<TContext, VerifiedIdentity?> identityOf, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(identityOf);
        return new IdentityGate<TContext>(name, identityOf, timeProvider ?? TimeProvider.System);
    }
}
