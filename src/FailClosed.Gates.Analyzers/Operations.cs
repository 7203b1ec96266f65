using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FailClosed.Gates.Analyzers;

/// <summary>Small helpers over <see cref="IOperation"/> trees shared by the rules.</summary>
internal static class Operations
{
    /// <summary>Strips implicit and explicit conversions.</summary>
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    /// <summary>Strips a completed-task wrapper: <c>new ValueTask&lt;T&gt;(x)</c>, <c>ValueTask.FromResult(x)</c>, <c>Task.FromResult(x)</c>.</summary>
    public static IOperation WithoutCompletedTask(this IOperation operation, KnownSymbols symbols)
    {
        operation = operation.WithoutConversions();
        if (operation is IObjectCreationOperation { Arguments.Length: 1 } creation && symbols.IsTask(creation.Type))
        {
            return creation.Arguments[0].Value.WithoutConversions();
        }

        if (operation is IInvocationOperation { TargetMethod.Name: "FromResult", Arguments.Length: 1 } invocation
            && (KnownSymbols.Is(invocation.TargetMethod.ContainingType, symbols.ValueTask) || KnownSymbols.Is(invocation.TargetMethod.ContainingType, symbols.Task)))
        {
            return invocation.Arguments[0].Value.WithoutConversions();
        }

        return operation;
    }

    /// <summary>Whether <paramref name="operation"/> is a call of <c>GateDecision.Allow(...)</c>.</summary>
    public static bool IsAllowDecision(this IOperation operation, KnownSymbols symbols) =>
        operation.WithoutCompletedTask(symbols) is IInvocationOperation { TargetMethod: { Name: "Allow", IsStatic: true } method }
        && KnownSymbols.Is(method.ContainingType, symbols.GateDecision);

    /// <summary>Returns the root of the operation tree that holds <paramref name="operation"/> (the member body).</summary>
    public static IOperation Root(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>Enumerates <paramref name="operation"/> and every operation below it.</summary>
    public static IEnumerable<IOperation> DescendantsAndSelf(this IOperation operation)
    {
        var stack = new Stack<IOperation>();
        stack.Push(operation);
        while (stack.Count > 0)
        {
            IOperation current = stack.Pop();
            yield return current;
            foreach (IOperation child in current.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>Whether the operation is a statement that leaves the current flow: return, throw, break, continue or goto.</summary>
    public static bool EndsWithJump(this IOperation? operation)
    {
        while (operation is IBlockOperation block)
        {
            if (block.Operations.Length == 0)
            {
                return false;
            }

            operation = block.Operations[block.Operations.Length - 1];
        }

        return operation is IReturnOperation or IBranchOperation or IThrowOperation
            || operation is IExpressionStatementOperation { Operation: IThrowOperation };
    }

    /// <summary>Returns the last statement of a block (or the statement itself).</summary>
    public static IOperation? LastStatement(this IOperation? operation)
    {
        while (operation is IBlockOperation block)
        {
            if (block.Operations.Length == 0)
            {
                return null;
            }

            operation = block.Operations[block.Operations.Length - 1];
        }

        return operation;
    }
}
