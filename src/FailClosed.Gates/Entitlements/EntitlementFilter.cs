using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// An all-or-nothing entitlement filter. Given the requested ids and an <see cref="IEntitlementSource"/>'s answer, the
/// output is exactly the entitled subset of a complete answer, or nothing with <see cref="GateCodes.ResultIncomplete"/>
/// when any requested id is unanswered, the answer is partial or contradictory, or the source times out or faults.
/// Never the part that happened to be authorised.
/// </summary>
public sealed class EntitlementFilter
{
    private readonly IEntitlementSource _source;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a filter over <paramref name="source"/>, bounded by <paramref name="timeout"/>.</summary>
    /// <param name="name">The filter's name, used as the deciding gate in its decisions.</param>
    /// <param name="source">The entitlement source.</param>
    /// <param name="timeout">How long the source may take; at most <see cref="Gate.MaxTimeout"/>.</param>
    /// <param name="timeProvider">The clock the time limit is measured by; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive or exceeds <see cref="Gate.MaxTimeout"/>.</exception>
    public EntitlementFilter(string name, IEntitlementSource source, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, Gate.MaxTimeout);
        Name = name;
        _source = source;
        _timeout = timeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the filter's name.</summary>
    public string Name { get; }

    /// <summary>Asks the source about <paramref name="requested"/> and returns the entitled subset, or nothing.</summary>
    /// <param name="subject">The subject the entitlements are for.</param>
    /// <param name="requested">The requested item ids; duplicates are asked and returned once.</param>
    /// <param name="cancellationToken">Cancels the request; a canceled request returns nothing with <see cref="GateCodes.Canceled"/>.</param>
    /// <returns>The result; never throws for a source's failure.</returns>
    /// <exception cref="ArgumentException"><paramref name="subject"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="requested"/> is null or holds a null id.</exception>
    public async ValueTask<EntitlementResult> FilterAsync(string subject, IReadOnlyList<string> requested, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        string[] ids = Distinct(requested);
        if (ids.Length == 0)
        {
            return new EntitlementResult(GateDecision.Allow(Name), []);
        }

        EntitlementAnswer? answer;
        using (var deadline = new CancellationTokenSource(_timeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken))
        {
            try
            {
                // WaitAsync keeps the limit even for a source that ignores its token.
                answer = await _source.GetEntitlementsAsync(subject, ids, linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested)
            {
                return Nothing(GateDecision.Indeterminate(Name, GateCodes.Canceled, "The entitlement request was canceled before the source answered.", exception));
            }
            catch (Exception exception) when (deadline.IsCancellationRequested)
            {
                return Nothing(GateDecision.Indeterminate(
                    Name,
                    GateCodes.ResultIncomplete,
                    string.Create(CultureInfo.InvariantCulture, $"The entitlement source did not answer within {_timeout}."),
                    exception));
            }
            catch (Exception exception)
            {
                return Nothing(GateDecision.Indeterminate(
                    Name,
                    GateCodes.ResultIncomplete,
                    "The entitlement source failed: " + exception.GetType().FullName + " was thrown.",
                    exception));
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Nothing(GateDecision.Indeterminate(Name, GateCodes.Canceled, "The entitlement request was canceled after the source answered."));
        }

        return Apply(Name, ids, answer);
    }

    /// <summary>
    /// Judges <paramref name="answer"/> for <paramref name="requested"/>: the entitled subset in request order when the
    /// answer is complete and covers every requested id without contradiction; otherwise nothing.
    /// </summary>
    /// <param name="name">The name that decides.</param>
    /// <param name="requested">The requested ids.</param>
    /// <param name="answer">The source's answer; <see langword="null"/> is no answer.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="requested"/> is null or holds a null id.</exception>
    public static EntitlementResult Apply(string name, IReadOnlyList<string> requested, EntitlementAnswer? answer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string[] ids = Distinct(requested);
        if (answer is null)
        {
            return Nothing(GateDecision.Indeterminate(name, GateCodes.ResultIncomplete, "The entitlement source gave no answer."));
        }

        if (!answer.IsComplete)
        {
            return Nothing(GateDecision.Indeterminate(name, GateCodes.ResultIncomplete, "The entitlement source said its answer is partial."));
        }

        var entitled = new List<string>(ids.Length);
        foreach (string id in ids)
        {
            bool granted = answer.Granted.Contains(id);
            bool refused = answer.Refused.Contains(id);
            if (granted == refused)
            {
                return Nothing(GateDecision.Indeterminate(
                    name,
                    GateCodes.ResultIncomplete,
                    granted
                        ? "The entitlement source both granted and refused item '" + id + "'."
                        : "The entitlement source did not answer for item '" + id + "'."));
            }

            if (granted)
            {
                entitled.Add(id);
            }
        }

        return new EntitlementResult(GateDecision.Allow(name), entitled);
    }

    private static EntitlementResult Nothing(GateDecision decision) => new(decision, []);

    private static string[] Distinct(IReadOnlyList<string> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var seen = new HashSet<string>(requested.Count, StringComparer.Ordinal);
        var ids = new List<string>(requested.Count);
        for (int i = 0; i < requested.Count; i++)
        {
            string id = requested[i] ?? throw new ArgumentNullException(nameof(requested), "The requested ids hold a null id at index " + i.ToString(CultureInfo.InvariantCulture) + "; every requested item needs an id.");
            if (seen.Add(id))
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
