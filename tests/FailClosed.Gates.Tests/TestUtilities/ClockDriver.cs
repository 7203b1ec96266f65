namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>Completes a task that waits on hanging sink calls by advancing the fake clock, without sleeping.</summary>
public static class ClockDriver
{
    /// <summary>Each time the sink starts hanging, advances the clock by <paramref name="step"/>; returns the task's result.</summary>
    public static async Task<T> DriveAsync<T>(Task<T> task, ScriptedEvidenceSink sink, FakeTimeProvider clock, TimeSpan step)
    {
        Task hang = sink.Hangs.WaitAsync();
        while (true)
        {
            Task done = await Task.WhenAny(task, hang).ConfigureAwait(false);
            if (done == task)
            {
                return await task.ConfigureAwait(false);
            }

            clock.Advance(step);
            hang = sink.Hangs.WaitAsync();
        }
    }
}
