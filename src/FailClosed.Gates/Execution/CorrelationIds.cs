using System.Diagnostics;

namespace FailClosed.Gates;

/// <summary>Chooses the correlation id that ties the evidence records of one execution together.</summary>
internal static class CorrelationIds
{
    /// <summary>Returns the W3C trace id of <see cref="Activity.Current"/>, else its root id, else a new random trace id.</summary>
    public static string Current()
    {
        Activity? activity = Activity.Current;
        if (activity is not null)
        {
            if (activity.IdFormat == ActivityIdFormat.W3C)
            {
                return activity.TraceId.ToHexString();
            }

            if (activity.RootId is { Length: > 0 } rootId)
            {
                return rootId;
            }
        }

        return ActivityTraceId.CreateRandom().ToHexString();
    }
}
