using System.Diagnostics.Metrics;

namespace FailClosed.Gates;

/// <summary>The file journal's instruments, on the core's static <c>FailClosed.Gates</c> meter (a journal is created without DI).</summary>
internal static class JournalMetrics
{
    /// <summary>Records written and flushed together by one group commit.</summary>
    public static readonly Histogram<int> BatchSize = ExecutorMetrics.Meter.CreateHistogram(
        "failclosed.gates.journal.batch.size",
        unit: "{record}",
        description: "Records written and flushed to disk together by one group commit of a file evidence journal.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] });
}
