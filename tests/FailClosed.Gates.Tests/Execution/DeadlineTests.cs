
namespace FailClosed.Gates.Tests.Execution;

public sealed class DeadlineTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void OnTimer_StaleCallbackOfEarlierArming_DoesNotFireReusedDeadline()
    {
        // Regression: a pooled deadline re-armed before its previous timer callback ran was canceled by that callback.
        var deadline = new Deadline(_time);
        deadline.Arm(TimeSpan.FromSeconds(1));
        Assert.True(deadline.TryDisarm());
        deadline.Arm(TimeSpan.FromSeconds(10));

        deadline.OnTimer(); // the first arming's callback, queued before the disarm, runs only now

        Assert.False(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.HasExpired);
    }

    [Fact]
    public void OnTimer_EarlyTick_ReArmsAndFiresWhenDue()
    {
        var deadline = new Deadline(_time);
        deadline.Arm(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(4));

        deadline.OnTimer();
        Assert.False(deadline.HasExpired);
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.True(deadline.HasExpired);
        Assert.True(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public void Arm_ThenTimeElapses_Fires()
    {
        var deadline = new Deadline(_time);
        deadline.Arm(TimeSpan.FromSeconds(2));

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(deadline.HasExpired);
        Assert.False(deadline.TryDisarm());
    }

    [Fact]
    public void TryDisarm_BeforeDue_IsReusableAndNeverFires()
    {
        var deadline = new Deadline(_time);
        deadline.Arm(TimeSpan.FromSeconds(2));

        Assert.True(deadline.TryDisarm());
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(deadline.HasExpired);
        Assert.False(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public void Expire_IdleDeadline_FiresAtOnce()
    {
        var deadline = new Deadline(_time);

        deadline.Expire();

        Assert.True(deadline.HasExpired);
        Assert.True(deadline.Token.IsCancellationRequested);
    }
}
