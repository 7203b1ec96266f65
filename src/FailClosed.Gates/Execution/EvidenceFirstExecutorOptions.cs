namespace FailClosed.Gates;

/// <summary>Configures an <see cref="EvidenceFirstExecutor"/>; read once, when the executor is created.</summary>
public sealed class EvidenceFirstExecutorOptions
{
    /// <summary>Gets the largest accepted <see cref="EvidenceWriteTimeout"/>: one hour.</summary>
    public static TimeSpan MaxEvidenceWriteTimeout { get; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long one evidence write may take before it counts as an evidence outage.</summary>
    /// <value>Five seconds by default. Must be positive and finite (at most <see cref="MaxEvidenceWriteTimeout"/>).</value>
    public TimeSpan EvidenceWriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the catalog that classifies actions.</summary>
    /// <value><see cref="ActionCatalog.Empty"/> by default: lenient, every action <see cref="FailMode.Closed"/>.</value>
    public ActionCatalog Catalog { get; set; } = ActionCatalog.Empty;

    /// <summary>
    /// Gets or sets the queue that receives refused requests: those whose intent could not be recorded, those an
    /// Indeterminate gate refused when the action has an approval rule, and those of actions that always need approval.
    /// </summary>
    /// <value><see langword="null"/> by default: nothing is queued, and an action that always needs approval is blocked.</value>
    public IReviewQueue? ReviewQueue { get; set; }

    /// <summary>Gets or sets the directory the executor asks for a reviewer's roles when it counts an approval.</summary>
    /// <value><see langword="null"/> by default: every approval is refused with <see cref="ApprovalRefusal.MissingRole"/>.</value>
    public IReviewerDirectory? ReviewerDirectory { get; set; }

    /// <summary>Gets or sets the source of timestamps, deadlines and exemption expiry.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets what observes each execution for logs, metrics and traces.</summary>
    /// <value><see langword="null"/> by default: the executor counts fail-open runs and unrecorded outcomes on the
    /// static <c>FailClosed.Gates</c> meter. When set, it replaces that default.</value>
    public ExecutionTelemetry? Telemetry { get; set; }
}
