namespace FailClosed.Gates.Testing;

/// <summary>Turns a <see cref="GateFault"/> into the behavior of one call.</summary>
internal static class Faults
{
    /// <summary>The message of every injected exception.</summary>
    public const string Message = "Injected fault.";

    public static ValueTask<T> Apply<T>(
        GateFault fault,
        Func<T> answer,
        T indeterminate,
        TimeProvider timeProvider,
        TimeSpan slowBy,
        string name,
        CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case GateFault.None:
                return new ValueTask<T>(answer());
            case GateFault.Throw:
                throw new InvalidOperationException(Message + " (" + name + ")");
            case GateFault.FaultedValueTask:
                return ValueTask.FromException<T>(new InvalidOperationException(Message + " (" + name + ")"));
            case GateFault.Hang:
                return HangAsync<T>(cancellationToken);
            case GateFault.Slow:
                return SlowAsync(answer, timeProvider, slowBy);
            case GateFault.Indeterminate:
                return new ValueTask<T>(indeterminate);
            case GateFault.LateAfterCancellation:
                return LateAsync(answer, cancellationToken);
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, $"Unknown fault {fault}.");
        }
    }

    private static async ValueTask<T> HangAsync<T>(CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource<T>)state!).TrySetCanceled(), never))
        {
            return await never.Task.ConfigureAwait(false);
        }
    }

    private static async ValueTask<T> SlowAsync<T>(Func<T> answer, TimeProvider timeProvider, TimeSpan slowBy)
    {
        // The slow answer ignores the token on purpose: it arrives whether anyone still waits or not.
        await Task.Delay(slowBy, timeProvider, CancellationToken.None).ConfigureAwait(false);
        return answer();
    }

    private static async ValueTask<T> LateAsync<T>(Func<T> answer, CancellationToken cancellationToken)
    {
        var canceled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), canceled))
        {
            await canceled.Task.ConfigureAwait(false);
        }

        return answer();
    }
}
