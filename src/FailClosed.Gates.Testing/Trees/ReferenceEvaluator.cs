namespace FailClosed.Gates.Testing;

/// <summary>The decision a tree must produce, as (verdict, code, deciding gate).</summary>
internal readonly record struct ExpectedDecision(Verdict Verdict, string Code, string Gate)
{
    public static ExpectedDecision Of(GateDecision decision) => new(decision.Verdict, decision.Code, decision.Gate);
}

/// <summary>
/// An independent model of the laws in DESIGN.md, written from the specification rather than the implementation.
/// </summary>
/// <remarks>
/// Time is a number of milliseconds. Leaves answer at the instant they are asked; a hanging leaf answers only when the
/// token it was given is canceled: by the nearest enclosing timeout's deadline, or by the caller (at infinity, when
/// nothing else can happen). Cancellation is reported by the outermost gate that was handed the canceled token and is
/// still waiting: the root for the caller's token, a timeout's child for a deadline (which the timeout then reports as
/// a timeout).
/// </remarks>
internal static class ReferenceEvaluator
{
    public static (ExpectedDecision Decision, IReadOnlyList<string> Invoked) Evaluate(GateTree root)
    {
        var invoked = new List<string>();
        Result result = Eval(root, 0, double.PositiveInfinity, invoked);
        ExpectedDecision decision = result.Interrupted
            ? new ExpectedDecision(Verdict.Indeterminate, GateCodes.Canceled, root.Name)
            : result.Decision;
        return (decision, invoked);
    }

    private static Result Eval(GateTree node, double now, double cancelAt, List<string> invoked)
    {
        switch (node)
        {
            case LeafTree leaf:
                invoked.Add(leaf.Name);
                return leaf.Kind switch
                {
                    LeafKind.Allow or LeafKind.AllowAsync => Done(Verdict.Allow, GateCodes.Allowed, leaf.Name, now),
                    LeafKind.Deny or LeafKind.DenyAsync => Done(Verdict.Deny, GateCodes.Denied, leaf.Name, now),
                    LeafKind.Indeterminate => Done(Verdict.Indeterminate, GateCodes.ResultIncomplete, leaf.Name, now),
                    LeafKind.ThrowSync or LeafKind.ThrowSyncDecision or LeafKind.FaultedValueTask or LeafKind.ThrowAsync => Done(Verdict.Indeterminate, GateCodes.Fault, leaf.Name, now),
                    LeafKind.Hang => new Result(default, cancelAt, Interrupted: true),
                    _ => throw new InvalidOperationException(),
                };

            case AllTree all:
            {
                // Strong-Kleene AND: the first deny stops it; an indeterminate is remembered and the rest still asked.
                Result? firstIndeterminate = null;
                foreach (GateTree child in all.Children)
                {
                    Result result = Eval(child, now, cancelAt, invoked);
                    if (result.Interrupted || result.Decision.Verdict == Verdict.Deny)
                    {
                        return result;
                    }

                    now = result.End;
                    if (result.Decision.Verdict != Verdict.Allow)
                    {
                        firstIndeterminate ??= result;
                    }
                }

                return firstIndeterminate is { } unknown
                    ? unknown with { End = now }
                    : Done(Verdict.Allow, GateCodes.Allowed, all.Name, now);
            }

            case AnyTree any:
            {
                Result? firstIndeterminate = null;
                Result? firstDeny = null;
                foreach (GateTree child in any.Children)
                {
                    Result result = Eval(child, now, cancelAt, invoked);
                    if (result.Interrupted || result.Decision.Verdict == Verdict.Allow)
                    {
                        return result;
                    }

                    now = result.End;
                    if (result.Decision.Verdict == Verdict.Deny)
                    {
                        firstDeny ??= result;
                    }
                    else
                    {
                        firstIndeterminate ??= result;
                    }
                }

                return (firstIndeterminate ?? firstDeny!.Value) with { End = now };
            }

            case NotTree not:
            {
                Result result = Eval(not.Child, now, cancelAt, invoked);
                if (result.Interrupted)
                {
                    return result;
                }

                return result.Decision.Verdict switch
                {
                    Verdict.Allow => Done(Verdict.Deny, GateCodes.Denied, not.Name, result.End),
                    Verdict.Deny => Done(Verdict.Allow, GateCodes.Allowed, not.Name, result.End),
                    _ => result,
                };
            }

            case TimeoutTree timeout:
            {
                double deadline = now + timeout.Duration.TotalMilliseconds;
                if (deadline >= cancelAt)
                {
                    // The caller's token fires first: this timeout never gets to judge.
                    return Eval(timeout.Child, now, cancelAt, invoked);
                }

                Result result = Eval(timeout.Child, now, deadline, invoked);
                return result.Interrupted ? Done(Verdict.Indeterminate, GateCodes.Timeout, timeout.Name, deadline) : result;
            }

            default:
                throw new InvalidOperationException($"Unknown node {node}.");
        }
    }

    private static Result Done(Verdict verdict, string code, string gate, double end) =>
        new(new ExpectedDecision(verdict, code, gate), end, Interrupted: false);

    private readonly record struct Result(ExpectedDecision Decision, double End, bool Interrupted);
}
