using Microsoft.CodeAnalysis.Testing;
using Verify = FailClosed.Gates.Analyzers.Tests.TestUtilities.Verifier<FailClosed.Gates.Analyzers.FailOpenExemptionAnalyzer>;

namespace FailClosed.Gates.Analyzers.Tests;

public sealed class FailOpenExemptionAnalyzerTests
{
    private const string ReferenceDate = "failclosed_gates.fail_open_reference_date = 2026-12-01";

    [Fact]
    public Task ConstantReviewDateMoreThanAYearAhead_ReportsFCG0007() => Verify.AnalyzeAsync(
        """
        class C
        {
            static readonly FailMode A = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero)|});
            static readonly FailMode B = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:new DateTime(2030, 6, 30)|});
            static readonly FailMode D = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:DateTimeOffset.Parse("2031-01-01T00:00:00Z")|});
            static readonly FailMode E = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).AddYears(2)|});
        }
        """,
        ReferenceDate);

    [Fact]
    public Task ReviewDateFarFromNow_ReportsFCG0007() => Verify.AnalyzeAsync(
        """
        class C
        {
            static FailMode M(TimeProvider time) =>
                FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:time.GetUtcNow().AddYears(2)|});

            static FailMode N(TimeProvider time) =>
                FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:time.GetUtcNow().AddDays(400)|});
        }
        """,
        ReferenceDate);

    [Fact]
    public Task Message_SaysWhenTheReviewIs() => Verify.AnalyzeAsync(
        """
        class C
        {
            static readonly FailMode A = FailMode.Open("Refunds must not wait for the screening vendor.", {|#0:new DateTimeOffset(2030, 2, 3, 4, 5, 6, TimeSpan.FromHours(2))|});
            static FailMode M(TimeProvider time) => FailMode.Open("Refunds must not wait for the screening vendor.", {|#1:time.GetUtcNow().AddMonths(18)|});
            static readonly FailMode B = FailMode.Open("Refunds must not wait for the screening vendor.", {|#2:DateTimeOffset.MaxValue|});
        }
        """,
        ReferenceDate,
        new DiagnosticResult(Descriptors.DistantFailOpenReview).WithLocation(0).WithArguments("on 2030-02-03"),
        new DiagnosticResult(Descriptors.DistantFailOpenReview).WithLocation(1).WithArguments("18 months from now"),
        new DiagnosticResult(Descriptors.DistantFailOpenReview).WithLocation(2).WithArguments("at DateTimeOffset.MaxValue"));

    [Fact]
    public Task ReviewDateWithinAYearOrUnknown_NoDiagnostic() => Verify.AnalyzeAsync(
        """
        class C
        {
            static readonly FailMode A = FailMode.Open("Refunds must not wait for the screening vendor.", new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));
            static readonly FailMode B = FailMode.Open("Refunds must not wait for the screening vendor.", new DateTimeOffset(2027, 12, 1, 0, 0, 0, TimeSpan.Zero));

            static FailMode M(TimeProvider time, DateTimeOffset configured) =>
                time.GetUtcNow().Second > 30
                    ? FailMode.Open("Refunds must not wait for the screening vendor.", time.GetUtcNow().AddMonths(6))
                    : FailMode.Open("Refunds must not wait for the screening vendor.", configured);
        }
        """,
        ReferenceDate);

    [Fact]
    public Task ReviewDateFarAhead_WithoutReferenceDate_MeasuresFromTheBuildDate() => Verify.AnalyzeAsync("""
        class C
        {
            static readonly FailMode A = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero)|});
            static readonly FailMode B = FailMode.Open("Refunds must not wait for the screening vendor.", {|FCG0007:DateTimeOffset.MaxValue|});
        }
        """);

    [Fact]
    public Task PlaceholderJustification_ReportsFCG0008() => Verify.AnalyzeAsync(
        """
        class C
        {
            static readonly DateTimeOffset Review = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
            static readonly FailMode A = FailMode.Open({|FCG0008:"TODO"|}, Review);
            static readonly FailMode B = FailMode.Open({|FCG0008:" "|}, Review);
            static readonly FailMode C1 = FailMode.Open(justification: {|FCG0008:"n/a"|}, reviewBy: Review);
        }
        """,
        ReferenceDate);

    [Fact]
    public Task RealOrComputedJustification_NoDiagnostic() => Verify.AnalyzeAsync(
        """
        class C
        {
            static readonly DateTimeOffset Review = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
            static readonly FailMode A = FailMode.Open("Refunds must not wait for the screening vendor.", Review);

            static FailMode M(string reason) => FailMode.Open(reason, Review);
        }
        """,
        ReferenceDate);
}
