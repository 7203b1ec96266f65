namespace FailClosed.Gates.Testing;

/// <summary>Completes a task that waits on hanging sink calls by advancing the fake clock, without sleeping.</summary>
/// <remarks>
/// The executor arms a write's deadline only after the sink returned a pending task, which is after the sink signals
/// that it hangs; so the driver yields until a timer is armed before it moves time.
/// </remarks>
internal static class ClockDriver
{
    /// <summary>Each time the sink starts hanging, advances the clock by <paramref name="step"/>; returns the task's result.</summary>
    public static async Task<T> DriveAsync<T>(Task<T> task, ScriptedEvidenceSink sink, ManualTimeProvider clock, TimeSpan step)
    {
        Task hang = sink.Hangs.WaitAsync();
        while (true)
        {
            Task done = await Task.WhenAny(task, hang).ConfigureAwait(false);
            if (done == task)
            {
                return await task.ConfigureAwait(false);
            }

            while (clock.ArmedTimers == 0 && !task.IsCompleted)
            {
                await Task.Yield();
            }

            clock.Advance(step);
            hang = sink.Hangs.WaitAsync();
        }
    }
}
