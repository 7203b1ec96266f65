using System.Collections;

namespace FailClosed.Gates.Tests.Execution;

/// <summary>
/// A record the encoding cannot hold, or facts that throw while they are read, are the caller's bug: a Fault block,
/// never an evidence outage that a fail-open exemption (or the review queue) would cover.
/// </summary>
public sealed class EvidenceFirstExecutorUnencodableTests
{
    private const string Name = "telemetry.flush";

    private static readonly PolicyPin Pin = new("limits", "3", new string('a', 64));

    private readonly ManualTimeProvider _clock = new();
    private readonly InMemoryEvidenceSink _sink = new();
    private int _runs;

    [Fact]
    public async Task ExecuteAsync_ExemptActionAndPinsEnumeratorThrows_BlocksWithFaultAndDoesNotRun()
    {
        GuardedAction<int> action = new(Name, new PinsGate(new ThrowingEnumeratorList()), Describe);

        GuardedResult<int> result = await RunAsync(Exempt(), action);

        AssertFault(result);
        EvidenceRecord record = Assert.Single(_sink.GetRecords());
        Assert.Equal(EvidenceKind.Decision, record.Kind);
        Assert.Equal(GateCodes.Fault, record.Code);
        Assert.Empty(record.Pins);
    }

    [Fact]
    public async Task ExecuteAsync_ExemptActionAndDefaultPin_BlocksWithFaultAndDoesNotRun()
    {
        GuardedAction<int> action = new(Name, new PinsGate([Pin, default]), Describe);

        GuardedResult<int> result = await RunAsync(Exempt(), action);

        AssertFault(result);
        Assert.Equal(GateCodes.Fault, Assert.Single(_sink.GetRecords()).Code);
    }

    [Fact]
    public async Task ExecuteAsync_ExemptActionAndSubjectWithALoneSurrogate_BlocksWithFaultAndRecordsWithoutTheSubject()
    {
        GuardedAction<int> action = new(Name, new PinsGate([Pin]), static _ => "invoice \ud800");

        GuardedResult<int> result = await RunAsync(Exempt(), action);

        AssertFault(result);
        Assert.Contains("lone surrogate", result.Decision.Reason, StringComparison.Ordinal);
        EvidenceRecord record = Assert.Single(_sink.GetRecords());
        Assert.Null(record.Subject);
        Assert.Empty(record.Pins);
        Assert.Equal(result.ExecutionId, record.ExecutionId);
        Assert.Equal(result.EvidenceReceipt!.Value.Sequence, record.Sequence);
    }

    [Fact]
    public async Task ExecuteAsync_ExemptActionAllowedButIntentTooLarge_BlocksWithFaultInsteadOfFailingOpen()
    {
        GuardedAction<int> action = new(Name, Gate.Allow<int>("ok"), static _ => new string('x', 70_000));

        GuardedResult<int> result = await RunAsync(Exempt(), action);

        AssertFault(result);
        Assert.DoesNotContain(_sink.GetRecords(), static r => r.Kind is EvidenceKind.FailOpen or EvidenceKind.Intent);
    }

    [Fact]
    public async Task ExecuteAsync_ClosedActionAndOversizedSubject_BlocksWithFaultAndQueuesNoReview()
    {
        var queue = new InMemoryReviewQueue();
        GuardedAction<int> action = new(Name, Gate.Allow<int>("ok"), static _ => new string('<', 12_000));

        GuardedResult<int> result = await RunAsync(ActionCatalog.Empty, action, queue);

        AssertFault(result);
        Assert.Null(result.ReviewTicket);
        Assert.Empty(queue.Tickets);
        Assert.Equal(GateCodes.Fault, Assert.Single(_sink.GetRecords()).Code);
    }

    [Fact]
    public async Task ExecuteAsync_SubjectThatLeavesNoRoomForTheOutcome_BlocksBeforeTheSideEffect()
    {
        // The Intent alone would fit; its Outcome (the same facts plus a detail) might not, so neither is written.
        EvidenceRecord probe = new()
        {
            Timestamp = _clock.GetUtcNow(),
            Action = Name,
            Kind = EvidenceKind.Intent,
            Verdict = Verdict.Allow,
            Code = GateCodes.Allowed,
            Gate = "ok",
            Subject = string.Empty,
            ExecutionId = Guid.CreateVersion7().ToString(),
        };
        int room = EvidenceEncoding.MaxContentBytes - (int)EvidenceEncoding.MeasureContent(probe);
        GuardedAction<int> action = new(Name, Gate.Allow<int>("ok"), _ => new string('x', room - 100));

        GuardedResult<int> result = await RunAsync(ActionCatalog.Empty, action);

        AssertFault(result);
    }

    [Fact]
    public async Task ExecuteAsync_DenyWhoseReasonCannotBeEncoded_StaysADenyWithItsGateAndCode()
    {
        Gate<int> deny = Gate.From<int>("limit", static _ => GateDecision.Deny("limit", new string('x', 70_000), "over_limit"));

        GuardedResult<int> result = await RunAsync(Exempt(), new GuardedAction<int>(Name, deny, Describe));

        Assert.True(result.IsBlocked);
        Assert.Equal(0, _runs);
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal("over_limit", result.Decision.Code);
        Assert.Equal("limit", result.Decision.Gate);
        EvidenceRecord record = Assert.Single(_sink.GetRecords());
        Assert.Equal((EvidenceKind.Decision, Verdict.Deny, "over_limit", "limit"), (record.Kind, record.Verdict, record.Code, record.Gate));
        Assert.Null(record.Subject);
    }

    [Fact]
    public async Task ExecuteAsync_DenyWhoseReasonCannotBeEncodedWithoutSubjectOrPins_StillRecordsTheBlock()
    {
        Gate<int> deny = Gate.From<int>("limit", static _ => GateDecision.Deny("limit", new string('x', 70_000)));

        GuardedResult<int> result = await RunAsync(ActionCatalog.Empty, new GuardedAction<int>(Name, deny));

        Assert.True(result.IsBlocked);
        Assert.NotNull(result.EvidenceReceipt);
        Assert.Equal(0, _runs);
        EvidenceRecord record = Assert.Single(_sink.GetRecords());
        Assert.Equal(EvidenceKind.Decision, record.Kind);
        Assert.Equal(GateCodes.Denied, record.Code);
        Assert.Contains("could not be recorded as given", record.Detail, StringComparison.Ordinal);
        Assert.Equal(result.Decision.Reason, record.Detail);
    }

    [Fact]
    public async Task ExecuteAsync_IndeterminateWhoseReasonCannotBeEncoded_BlocksWithAFault()
    {
        Gate<int> uncertain = Gate.From<int>("limit", static _ => GateDecision.Indeterminate("limit", GateCodes.Timeout, new string('x', 70_000)));

        GuardedResult<int> result = await RunAsync(ActionCatalog.Empty, new GuardedAction<int>(Name, uncertain, Describe));

        Assert.True(result.IsBlocked);
        Assert.Equal(GateCodes.Fault, result.Decision.Code);
        Assert.Contains("cannot be encoded", Assert.Single(_sink.GetRecords()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GuardedAction_NameThatCannotBeEncoded_IsRefusedBeforeAnyExecution()
    {
        // A name is checked when the action is built, so an unencodable name never reaches the executor or a record.
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new GuardedAction<int>("bad\udc00", Gate.Allow<int>("ok"), Describe));

        Assert.Contains("lone surrogate", exception.Message, StringComparison.Ordinal);
        Assert.Empty(_sink.GetRecords());
    }

    [Fact]
    public async Task ExecuteAsync_PinsListThatIsNotAnArray_IsEnumeratedOnceAndRecorded()
    {
        var pins = new CountingList([Pin]);
        GuardedAction<int> action = new(Name, new PinsGate(pins), Describe);

        GuardedResult<int> result = await RunAsync(ActionCatalog.Empty, action);

        Assert.Equal(GateCodes.Timeout, result.Decision.Code);
        Assert.Equal(1, pins.Enumerations);
        Assert.All(_sink.GetRecords(), static r => Assert.Equal([Pin], r.Pins));
    }

    private static string Describe(int n) => "invoice " + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void AssertFault(GuardedResult<int> result)
    {
        Assert.True(result.IsBlocked);
        Assert.False(result.IsFailOpen);
        Assert.Equal(Verdict.Indeterminate, result.Decision.Verdict);
        Assert.Equal(GateCodes.Fault, result.Decision.Code);
        Assert.Equal(0, _runs);
    }

    private async Task<GuardedResult<int>> RunAsync(ActionCatalog catalog, GuardedAction<int> action, IReviewQueue? queue = null)
    {
        var executor = new EvidenceFirstExecutor(_sink, new EvidenceFirstExecutorOptions { TimeProvider = _clock, Catalog = catalog, ReviewQueue = queue });
        return await executor.ExecuteAsync(action, 7, this, static (_, self, _) =>
        {
            self._runs++;
            return ValueTask.FromResult(42);
        });
    }

    private ActionCatalog Exempt() =>
        ActionCatalog.CreateBuilder().Add(Name, FailMode.Open("Telemetry loss is tolerable; see RISK-12", _clock.GetUtcNow().AddDays(30))).Build();

    /// <summary>An Indeterminate gate with the given pins: the case a fail-open exemption would cover.</summary>
    private sealed class PinsGate(IReadOnlyList<PolicyPin> pins) : Gate<int>("screening")
    {
        public override IReadOnlyList<PolicyPin> Pins => pins;

        protected override ValueTask<GateDecision> EvaluateCoreAsync(int context, CancellationToken cancellationToken) =>
            new(GateDecision.Indeterminate(Name, GateCodes.Timeout));
    }

    private sealed class ThrowingEnumeratorList : IReadOnlyList<PolicyPin>
    {
        public int Count => 1;

        public PolicyPin this[int index] => throw new InvalidOperationException("indexer");

        public IEnumerator<PolicyPin> GetEnumerator() => throw new InvalidOperationException("enumerator");

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class CountingList(PolicyPin[] pins) : IReadOnlyList<PolicyPin>
    {
        public int Enumerations { get; private set; }

        public int Count => pins.Length;

        public PolicyPin this[int index] => pins[index];

        public IEnumerator<PolicyPin> GetEnumerator()
        {
            Enumerations++;
            return ((IEnumerable<PolicyPin>)pins).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
