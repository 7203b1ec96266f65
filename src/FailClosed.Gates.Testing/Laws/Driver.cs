using System.Diagnostics;

namespace FailClosed.Gates.Testing;

/// <summary>
/// Drives one asynchronous call to its end on a manual clock, without sleeping: it lets running work finish, then
/// moves time to the next timer, and cancels the caller's token once the caller's timeout is reached.
/// </summary>
internal static class Driver
{
    private const int SpinsBeforeTime = 32;
    /// <summary>How long (real time) a call may go on after its caller canceled and no timer is left to fire.</summary>
    private static readonly TimeSpan GraceAfterCancel = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="start"/> to its end; null when it never ended, even after its caller canceled.</summary>
    public static Task<T>? Run<T>(Func<CancellationToken, Task<T>> start, ManualTimeProvider clock, TimeSpan callerTimeout)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            using var caller = new CancellationTokenSource();
            DateTimeOffset giveUpAt = clock.GetUtcNow() + callerTimeout;
            Task<T> task;
            try
            {
                task = start(caller.Token);
            }
            catch (Exception exception)
            {
                task = Task.FromException<T>(exception);
            }

            var spin = default(SpinWait);
            int idle = 0;
            long canceledAt = 0;
            while (!task.IsCompleted)
            {
                if (idle++ < SpinsBeforeTime)
                {
                    spin.SpinOnce();
                    continue;
                }

                idle = 0;
                if (clock.NextDueAt is { } due && (due <= giveUpAt || caller.IsCancellationRequested))
                {
                    clock.TryAdvanceToNextTimer();
                }
                else if (!caller.IsCancellationRequested)
                {
                    DateTimeOffset now = clock.GetUtcNow();
                    if (now < giveUpAt)
                    {
                        clock.Advance(giveUpAt - now);
                    }

                    caller.Cancel();
                    canceledAt = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(canceledAt) > GraceAfterCancel)
                {
                    return null;
                }
            }

            return task;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
