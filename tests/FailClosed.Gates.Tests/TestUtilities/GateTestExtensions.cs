namespace FailClosed.Gates.Tests.TestUtilities;

public static class GateTestExtensions
{
    /// <summary>Evaluates a gate that must answer synchronously, and fails the test if it does not.</summary>
    public static GateDecision Decide<TContext>(this Gate<TContext> gate, TContext context, CancellationToken cancellationToken = default)
    {
        ValueTask<GateDecision> pending = gate.EvaluateAsync(context, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            Assert.Fail($"Gate '{gate.Name}' was expected to answer synchronously.");
        }

        return pending.Result;
    }
}
