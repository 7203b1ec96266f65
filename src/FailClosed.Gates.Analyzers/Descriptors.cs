using Microsoft.CodeAnalysis;

namespace FailClosed.Gates.Analyzers;

/// <summary>The descriptors of every FailClosed.Gates diagnostic, each with a help link to its page in docs/analyzers.</summary>
internal static class Descriptors
{
    /// <summary>Where each rule's page lives: <c>docs/analyzers/FCGxxxx.md</c> in the repository.</summary>
    internal const string HelpLinkFormat = "https://github.com/failclosed/FailClosed.Gates/blob/main/docs/analyzers/{0}.md";

    private const string Category = "Reliability";

    internal static readonly DiagnosticDescriptor DiscardedDecision = Rule(
        DiagnosticIds.DiscardedDecision,
        "Do not discard a gate decision or a guarded result",
        "The {0} returned here is discarded, so nothing acts on a block; check IsAllowed, Executed or TryGetValue before proceeding");

    internal static readonly DiagnosticDescriptor UnobservedGateTask = Rule(
        DiagnosticIds.UnobservedGateTask,
        "Await the task of a gate evaluation or guarded execution",
        "The task returned by '{0}' is never awaited, so its decision, its result and any block go unobserved; await it and act on the result");

    internal static readonly DiagnosticDescriptor LeakyVerdictComparison = Rule(
        DiagnosticIds.LeakyVerdictComparison,
        "Do not compare verdicts in a way that lets Indeterminate through",
        "'{0}' lets {1} take the allow path; use '{2}', so that only Allow proceeds");

    internal static readonly DiagnosticDescriptor VerdictSwitchDefaultAllows = Rule(
        DiagnosticIds.VerdictSwitchDefaultAllows,
        "Match Verdict.Allow explicitly in a switch on Verdict",
        "Verdict.Allow reaches the default branch of this switch, so {0} take the allow path too; match Verdict.Allow explicitly and let the default block");

    internal static readonly DiagnosticDescriptor AllowOnFailure = Rule(
        DiagnosticIds.AllowOnFailure,
        "Do not allow from a catch inside a gate",
        "This catch of {0} returns an allow, so the failure lets the call proceed; rethrow it (EvaluateAsync turns it into a blocking Indeterminate decision) or return a block");

    internal static readonly DiagnosticDescriptor UncheckedGuardedValue = Rule(
        DiagnosticIds.UncheckedGuardedValue,
        "Check Executed before reading GuardedResult<T>.Value",
        "'{0}.Value' is read with no check that the side effect ran, so a block becomes an InvalidOperationException; check Executed, use TryGetValue, or call ExecuteOrThrowAsync");

    internal static readonly DiagnosticDescriptor DistantFailOpenReview = Rule(
        DiagnosticIds.DistantFailOpenReview,
        "Review a fail-open exemption within a year",
        "This fail-open exemption is up for review {0}, more than a year away; an exemption nobody reviews that long is a standing fail-open, so set a review date within a year");

    internal static readonly DiagnosticDescriptor UnjustifiedFailOpen = Rule(
        DiagnosticIds.UnjustifiedFailOpen,
        "Justify a fail-open exemption",
        "The justification {0} does not say why running without confidence is acceptable; write the reason a reviewer will read in the governance table");

    internal static string HelpLink(string id) => string.Format(System.Globalization.CultureInfo.InvariantCulture, HelpLinkFormat, id);

    private static DiagnosticDescriptor Rule(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));
}
