using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>
/// Runs the predicates of consecutive expression requirements in order, stopping at the first that returns
/// <c>stopWhen</c>; <paramref name="index"/> is set to each child's position in its composite before that child runs,
/// so it names the child that stopped the run or threw.
/// </summary>
/// <returns><c>stopWhen</c> if some child returned it (<paramref name="index"/> is that child), else <c>!stopWhen</c>
/// (<paramref name="index"/> is the last child of the run).</returns>
internal delegate bool FusedPredicate<in TContext>(TContext context, ref int index);

/// <summary>
/// Fuses runs of consecutive <see cref="Gate.RequireExpression{TContext}"/> children of one composite into a single
/// compiled method, so the checks run inline one after another instead of through one delegate call each.
/// </summary>
internal static class FusedPredicates
{
    /// <summary>
    /// Returns an array as long as <paramref name="inline"/> holding, at the first child of each run of two or more
    /// consecutive expression requirements, the fused predicate of that run; or <see langword="null"/> when there is no
    /// such run, or when this runtime cannot compile code (an interpreted fusion would be slower than the delegates).
    /// </summary>
    /// <param name="inline">The children as inline predicates (<see cref="PredicateGate{TContext}.InlineCandidates"/>).</param>
    /// <param name="stopWhen">The answer that ends the composite: <see langword="false"/> for All, <see langword="true"/> for Any.</param>
    public static FusedPredicate<TContext>?[]? Build<TContext>(PredicateGate<TContext>?[] inline, bool stopWhen)
    {
        if (!RuntimeFeature.IsDynamicCodeCompiled)
        {
            return null;
        }

        FusedPredicate<TContext>?[]? runs = null;
        for (int start = 0; start < inline.Length;)
        {
            int end = start;
            while (end < inline.Length && inline[end]?.Expression is not null)
            {
                end++;
            }

            if (end - start >= 2)
            {
                runs ??= new FusedPredicate<TContext>?[inline.Length];
                runs[start] = Fuse(inline, start, end, stopWhen);
            }

            start = Math.Max(end, start + 1);
        }

        return runs;
    }

    /// <summary>Returns the fused predicate that covers every child, or <see langword="null"/> if there is none.</summary>
    public static FusedPredicate<TContext>? Whole<TContext>(FusedPredicate<TContext>?[]? runs, PredicateGate<TContext>?[] inline) =>
        runs?[0] is { } first && Array.TrueForAll(inline, static predicate => predicate?.Expression is not null) ? first : null;

    // (context, ref index) => { index = start; if (p0(context) == stopWhen) return stopWhen; index = start + 1; ...; return !stopWhen; }
    // Each child's lambda is invoked inline: the expression compiler emits its body in place, with no delegate call.
    private static FusedPredicate<TContext> Fuse<TContext>(PredicateGate<TContext>?[] inline, int start, int end, bool stopWhen)
    {
        ParameterExpression context = Expression.Parameter(typeof(TContext), "context");
        ParameterExpression index = Expression.Parameter(typeof(int).MakeByRefType(), "index");
        LabelTarget stop = Expression.Label(typeof(bool), "stop");
        ConstantExpression stopValue = Expression.Constant(stopWhen);

        var body = new List<Expression>((end - start) * 2 + 1);
        for (int i = start; i < end; i++)
        {
            Expression check = Expression.Invoke(inline[i]!.Expression!, context);
            body.Add(Expression.Assign(index, Expression.Constant(i)));
            body.Add(Expression.IfThen(
                stopWhen ? check : Expression.Not(check),
                Expression.Return(stop, stopValue)));
        }

        body.Add(Expression.Label(stop, Expression.Constant(!stopWhen)));
        return Expression
            .Lambda<FusedPredicate<TContext>>(Expression.Block(body), context, index)
            .Compile();
    }
}
