namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>Runs test code with no synchronization context, so awaits never queue to xunit's.</summary>
public static class NoContext
{
    public static T Run<T>(Func<T> body)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return body();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }
}
