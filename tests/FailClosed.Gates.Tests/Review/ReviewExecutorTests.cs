namespace FailClosed.Gates.Tests.Review;

public sealed class ReviewExecutorTests
{
    private readonly ReviewFixture _f = new();

    [Fact]
    public async Task ExecuteAsync_ActionThatAlwaysNeedsApproval_BlocksWithEscalatedForReviewAndATicket()
    {
        GuardedResult<int> result = await _f.RunAsync(ReviewFixture.Invoice());

        Assert.False(result.Executed);
        Assert.Equal(0, _f.Runs);
        Assert.Equal(GateCodes.EscalatedForReview, result.Decision.Code);
        ReviewTicket ticket = Assert.IsType<ReviewTicket>(result.ReviewTicket);
        Assert.Equal(ReviewTicketState.Pending, ticket.State);
        Assert.Equal("rita", ticket.Requester);
        Assert.Equal(result.ExecutionId, ticket.ExecutionId);
        Assert.Equal(_f.Clock.GetUtcNow() + ApprovalRule.DefaultTimeToLive, ticket.ExpiresAt);
        Assert.Contains("\"amount\":\"25000\"", ticket.RequestDescription, StringComparison.Ordinal);
        EvidenceRecord escalation = Assert.Single(_f.Sink.Records);
        Assert.Equal(EvidenceKind.Escalation, escalation.Kind);
        Assert.Contains(ticket.RequestDigest, escalation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ActionThatAlwaysNeedsApprovalButNoQueue_BlocksWithoutATicket()
    {
        var executor = new EvidenceFirstExecutor(new InMemoryEvidenceSink(), new EvidenceFirstExecutorOptions
        {
            Catalog = ActionCatalog.CreateBuilder().RequireApproval(ReviewFixture.ActionName, ApprovalRule.Require(1, "finance")).Build(),
        });

        GuardedResult<int> result = await executor.ExecuteAsync(_f.Action, ReviewFixture.Invoice(), static (_, _) => new ValueTask<int>(1));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.EscalatedForReview, result.Decision.Code);
        Assert.Null(result.ReviewTicket);
    }

    [Fact]
    public async Task ExecuteAsync_GateDeniesAnActionThatNeedsApproval_BlocksWithTheDenyAndQueuesNothing()
    {
        var f = new ReviewFixture(gate: Gate.Deny<Invoice>("limit"));

        GuardedResult<int> result = await f.RunAsync(ReviewFixture.Invoice());

        Assert.Equal(GateCodes.Denied, result.Decision.Code);
        Assert.Empty(await f.Queue.ListAsync(ReviewTicketFilter.All));
    }

    [Fact]
    public async Task ExecuteAsync_IndeterminateGateAndAReviewRule_Escalates()
    {
        var f = new ReviewFixture(gate: Gate.From<Invoice>("screening", static _ => GateDecision.Indeterminate("screening", GateCodes.Timeout)), always: false);

        GuardedResult<int> result = await f.RunAsync(ReviewFixture.Invoice());

        Assert.Equal(GateCodes.Timeout, result.Decision.Code);
        Assert.Equal(GateCodes.Timeout, result.ReviewTicket!.Decision.Code);
    }

    [Fact]
    public async Task ExecuteAsync_ReviewRuleButGateAllows_RunsWithoutReview()
    {
        var f = new ReviewFixture(always: false);

        GuardedResult<int> result = await f.RunAsync(ReviewFixture.Invoice());

        Assert.True(result.Executed);
    }

    [Fact]
    public async Task ApproveAsync_ByTheRequester_IsRefusedAndRecorded()
    {
        ReviewTicket ticket = await _f.EscalateAsync();

        var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(async () => await _f.Executor.ApproveAsync(ticket.Id, "rita"));

        Assert.Equal(ApprovalRefusal.SelfApproval, refused.Refusal);
        Assert.Contains("requester", refused.Message, StringComparison.Ordinal);
        EvidenceRecord record = _f.Sink.Records[^1];
        Assert.Equal(GateCodes.ReviewRefused, record.Code);
        Assert.Equal(EvidenceKind.Approval, record.Kind);
        Assert.Empty((await _f.Queue.FindAsync(ticket.Id))!.Approvals);
    }

    [Fact]
    public async Task ApproveAsync_WithoutTheRole_IsRefused()
    {
        ReviewTicket ticket = await _f.EscalateAsync();

        var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(async () => await _f.Executor.ApproveAsync(ticket.Id, "carol"));

        Assert.Equal(ApprovalRefusal.MissingRole, refused.Refusal);
        Assert.Contains("2 x finance", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproveAsync_SamePersonTwice_CountsOnce()
    {
        ReviewTicket ticket = await _f.EscalateAsync();
        await _f.Executor.ApproveAsync(ticket.Id, "alice");

        var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(async () => await _f.Executor.ApproveAsync(ticket.Id, "alice"));

        Assert.Equal(ApprovalRefusal.AlreadyCounted, refused.Refusal);
        Assert.Equal(ReviewTicketState.Pending, (await _f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApproveAsync_UnknownTicket_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(async () => await _f.Executor.ApproveAsync("nope", "alice"));

        Assert.Equal(ApprovalRefusal.UnknownTicket, refused.Refusal);
    }

    [Fact]
    public async Task ApproveAsync_OneOfTwo_StaysPendingThenTheSecondApproves()
    {
        ReviewTicket ticket = await _f.EscalateAsync();

        ReviewTicket first = await _f.Executor.ApproveAsync(ticket.Id, "alice", "checked the PO");
        ReviewTicket second = await _f.Executor.ApproveAsync(ticket.Id, "bob");

        Assert.Equal(ReviewTicketState.Pending, first.State);
        Assert.Equal(ReviewTicketState.Approved, second.State);
        Assert.Equal(["alice", "bob"], second.Approvals.Select(static v => v.Reviewer));
        Assert.Equal("checked the PO", second.Approvals[0].Comment);
        Assert.Equal(2, _f.Sink.Records.Count(static r => r.Code == GateCodes.ReviewApproved));
    }

    [Fact]
    public async Task ApproveAsync_EvidenceDown_DoesNotCount()
    {
        ReviewTicket ticket = await _f.EscalateAsync();
        _f.Sink.Down = true;

        await Assert.ThrowsAsync<EvidenceUnavailableException>(async () => await _f.Executor.ApproveAsync(ticket.Id, "alice"));

        _f.Sink.Down = false;
        Assert.Empty((await _f.Queue.FindAsync(ticket.Id))!.Approvals);
    }

    [Fact]
    public async Task ApproveAsync_AfterExpiry_IsRefusedAndTheTicketExpires()
    {
        ReviewTicket ticket = await _f.EscalateAsync();
        _f.Clock.Advance(ApprovalRule.DefaultTimeToLive);

        var refused = await Assert.ThrowsAsync<ApprovalRefusedException>(async () => await _f.Executor.ApproveAsync(ticket.Id, "alice"));

        Assert.Equal(ApprovalRefusal.Expired, refused.Refusal);
        Assert.Equal(ReviewTicketState.Expired, (await _f.Queue.FindAsync(ticket.Id))!.State);
        Assert.Contains(_f.Sink.Records, static r => r.Code == GateCodes.ReviewExpired);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_Approved_RunsOnceAndASecondRunIsRefused()
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());

        GuardedResult<int> first = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());
        GuardedResult<int> second = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.True(first.Executed);
        Assert.False(second.Executed);
        Assert.Equal(GateCodes.ReviewConsumed, second.Decision.Code);
        Assert.Equal(1, _f.Runs);
        ReviewTicket executed = (await _f.Queue.FindAsync(ticket.Id))!;
        Assert.Equal(ReviewTicketState.Executed, executed.State);
        Assert.Contains(first.ExecutionId, executed.Note, StringComparison.Ordinal);
        EvidenceRecord intent = _f.Sink.Records.Single(static r => r.Kind == EvidenceKind.Intent);
        Assert.Contains(ticket.Id, intent.Detail, StringComparison.Ordinal);
        Assert.Contains("'alice' (finance), 'bob' (finance)", intent.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25_001, "ACME GmbH", "rita")]
    [InlineData(25_000, "Evil Ltd", "rita")]
    [InlineData(25_000, "ACME GmbH", "alice")]
    public async Task ExecuteApprovedAsync_ChangedRequest_IsRefusedWithReviewMismatch(int amount, string payee, string requester)
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());

        GuardedResult<int> result = await _f.RunApprovedAsync(ticket.Id, new Invoice("INV-7", amount, payee, requester));

        Assert.False(result.Executed);
        Assert.Equal(GateCodes.ReviewMismatch, result.Decision.Code);
        Assert.Equal(0, _f.Runs);
        Assert.Equal(ReviewTicketState.Approved, (await _f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_AnotherAction_IsRefusedWithReviewMismatch()
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());
        var other = new GuardedAction<Invoice>("invoice.refund", Gate.Allow<Invoice>("ok"));

        GuardedResult<int> result = await _f.Executor.ExecuteApprovedAsync(ticket.Id, other, ReviewFixture.Invoice(), static (_, _) => new ValueTask<int>(1));

        Assert.Equal(GateCodes.ReviewMismatch, result.Decision.Code);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_QueueCannotBeRead_BlocksWithTheQueuesCodeAndRecordsIt()
    {
        var f = new ReviewFixture(queue: new UnreadableQueue());

        GuardedResult<int> result = await f.RunApprovedAsync("t-1", ReviewFixture.Invoice());

        Assert.False(result.Executed);
        Assert.Equal(0, f.Runs);
        Assert.Equal(Verdict.Indeterminate, result.Decision.Verdict);
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Contains("t-1", result.Decision.Reason, StringComparison.Ordinal);
        Assert.Contains(f.Sink.Records, static r => r.Kind == EvidenceKind.Decision && r.Code == GateCodes.EvidenceUnavailable);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_Pending_IsRefusedWithReviewNotApproved()
    {
        ReviewTicket ticket = await _f.EscalateAsync();
        await _f.Executor.ApproveAsync(ticket.Id, "alice");

        GuardedResult<int> result = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.Equal(GateCodes.ReviewNotApproved, result.Decision.Code);
        Assert.Equal(0, _f.Runs);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_Rejected_IsRefusedWithReviewNotApproved()
    {
        ReviewTicket ticket = await _f.EscalateAsync();
        ReviewTicket rejected = await _f.Executor.RejectAsync(ticket.Id, "bob", "payee not on file");

        GuardedResult<int> result = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.Equal(ReviewTicketState.Rejected, rejected.State);
        Assert.Equal(GateCodes.ReviewNotApproved, result.Decision.Code);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_AfterExpiry_IsRefusedWithReviewExpired()
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());
        _f.Clock.Advance(ApprovalRule.DefaultTimeToLive);

        GuardedResult<int> result = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.Equal(GateCodes.ReviewExpired, result.Decision.Code);
        Assert.Equal(0, _f.Runs);
        Assert.Equal(ReviewTicketState.Expired, (await _f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_GateNowDenies_StillBlocks()
    {
        bool deny = false;
        var f = new ReviewFixture(gate: Gate.Require<Invoice>("sanctions", _ => !deny));
        ReviewTicket ticket = await f.ApproveByTwoAsync(await f.EscalateAsync());
        deny = true;

        GuardedResult<int> result = await f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal(0, f.Runs);
        Assert.Equal(ReviewTicketState.Approved, (await f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_GateIndeterminate_IsCoveredByTheApprovalAndSaysSo()
    {
        var f = new ReviewFixture(gate: Gate.From<Invoice>("screening", static _ => GateDecision.Indeterminate("screening", GateCodes.Timeout)), always: false);
        ReviewTicket ticket = await f.ApproveByTwoAsync(await f.EscalateAsync());

        GuardedResult<int> result = await f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        Assert.True(result.Executed);
        Assert.Equal(Verdict.Indeterminate, result.Decision.Verdict);
        Assert.Contains("stands in for Indeterminate(Timeout)", f.Sink.Records.Single(static r => r.Kind == EvidenceKind.Intent).Detail, StringComparison.Ordinal);
        Assert.Contains("stands in", (await f.Queue.FindAsync(ticket.Id))!.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_IntentNotRecorded_DoesNotRunAndKeepsTheTicketApproved()
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());
        _f.Sink.Down = true;

        GuardedResult<int> result = await _f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice());

        _f.Sink.Down = false;
        Assert.Equal(GateCodes.EvidenceUnavailable, result.Decision.Code);
        Assert.Equal(0, _f.Runs);
        Assert.Equal(ReviewTicketState.Approved, (await _f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_32ConcurrentCalls_RunOnce()
    {
        for (int round = 0; round < 5; round++)
        {
            var f = new ReviewFixture();
            ReviewTicket ticket = await f.ApproveByTwoAsync(await f.EscalateAsync());

            GuardedResult<int>[] results = await Task.WhenAll(Enumerable.Range(0, 32).Select(
                _ => Task.Run(async () => await f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice()))));

            Assert.Equal(1, f.Runs);
            _ = Assert.Single(results, static r => r.Executed);
            Assert.All(results.Where(static r => !r.Executed), static r => Assert.Equal(GateCodes.ReviewConsumed, r.Decision.Code));
        }
    }

    [Fact]
    public async Task ApproveAsync_TwoFactors_NeedsBothRoles()
    {
        var f = new ReviewFixture(ApprovalRule.Require(1, "finance").And(1, "treasury"));
        ReviewTicket ticket = await f.EscalateAsync();

        ReviewTicket afterFinance = await f.Executor.ApproveAsync(ticket.Id, "alice");
        ReviewTicket afterTreasury = await f.Executor.ApproveAsync(ticket.Id, "carol");

        Assert.Equal(ReviewTicketState.Pending, afterFinance.State);
        Assert.Equal(ReviewTicketState.Approved, afterTreasury.State);
    }

    [Fact]
    public async Task ExpireDueAsync_MarksOnlyTicketsPastTheirExpiry()
    {
        ReviewTicket old = await _f.EscalateAsync();
        _f.Clock.Advance(TimeSpan.FromHours(12));
        ReviewTicket young = await _f.EscalateAsync(ReviewFixture.Invoice(30_000m));
        _f.Clock.Advance(TimeSpan.FromHours(12));

        int expired = await _f.Executor.ExpireDueAsync();

        Assert.Equal(1, expired);
        Assert.Equal(ReviewTicketState.Expired, (await _f.Queue.FindAsync(old.Id))!.State);
        Assert.Equal(ReviewTicketState.Pending, (await _f.Queue.FindAsync(young.Id))!.State);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_StrictCatalogThatNoLongerListsTheAction_Blocks()
    {
        ReviewTicket ticket = await _f.ApproveByTwoAsync(await _f.EscalateAsync());
        var strict = new EvidenceFirstExecutor(_f.Sink, new EvidenceFirstExecutorOptions
        {
            TimeProvider = _f.Clock,
            Catalog = ActionCatalog.CreateBuilder().AddClosed("invoice.create-draft").Strict().Build(),
            ReviewQueue = _f.Queue,
        });

        GuardedResult<int> result = await strict.ExecuteApprovedAsync(ticket.Id, _f.Action, ReviewFixture.Invoice(), static (_, _) => new ValueTask<int>(1));

        Assert.Equal(GateCodes.ActionUnclassified, result.Decision.Code);
        Assert.Equal(ReviewTicketState.Approved, (await _f.Queue.FindAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task ApproveAsync_NoQueue_Throws()
    {
        var executor = new EvidenceFirstExecutor(new InMemoryEvidenceSink());

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await executor.ApproveAsync("t", "alice"));
    }

    /// <summary>A queue whose server is down: every call throws as a database queue does.</summary>
    private sealed class UnreadableQueue : IReviewQueue
    {
        public ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default) => throw Down();

        private static EvidenceUnavailableException Down() => new("The review queue server is down.");
    }
}
