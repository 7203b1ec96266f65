using System.Diagnostics;

namespace FailClosed.Gates.Extensions;

/// <summary>The <c>FailClosed.Gates</c> activity source: one span per guarded execution, with a child per stage.</summary>
internal static class FailClosedGatesActivitySource
{
    public const string Name = "FailClosed.Gates";

    public const string ExecuteSpan = "failclosed.gates.execute";
    public const string EvaluateSpan = "failclosed.gates.evaluate";
    public const string AppendSpan = "failclosed.gates.append";
    public const string SideEffectSpan = "failclosed.gates.side_effect";

    public const string ExecutionIdTag = "failclosed.gates.execution_id";

    public static readonly ActivitySource Source = new(Name, typeof(FailClosedGatesActivitySource).Assembly.GetName().Version?.ToString());
}
