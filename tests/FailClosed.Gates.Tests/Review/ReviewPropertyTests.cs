using FsCheck;
using FsCheck.Fluent;

namespace FailClosed.Gates.Tests.Review;

/// <summary>Laws of the review path over random rules, directories, votes, requests and clocks.</summary>
public sealed class ReviewPropertyTests
{
    private static readonly string[] s_people = ["rita", "alice", "bob", "carol", "dave"];
    private static readonly string[] s_roles = ["finance", "treasury"];
    private static int s_executed;

    [Fact]
    public async Task ExecuteApprovedAsync_AnyVotes_RunsOnlyWhenTheRuleIsMetByDistinctAuthorisedReviewersOtherThanTheRequester()
    {
        Arbitrary<Scenario> scenarios =
            (from financeApprovers in Gen.Choose(1, 2)
             from treasuryApprovers in Gen.Choose(0, 2)
             from grants in Gen.ArrayOf(Gen.Choose(0, 3), s_people.Length)
             from votes in Gen.ListOf(Gen.Choose(0, s_people.Length - 1).Zip(Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))))
             select new Scenario(financeApprovers, treasuryApprovers, grants, [.. votes.Take(10)]))
            .ToArbitrary();

        await Task.Run(() => Prop.ForAll(scenarios, static s => Check(s)).QuickCheckThrowOnFailure());

        // The law is not vacuous: some generated scenarios do run.
        Assert.True(Volatile.Read(ref s_executed) > 0);
    }

    [Fact]
    public async Task ExecuteApprovedAsync_AnyChangedRequest_NeverRuns()
    {
        Arbitrary<(int Change, decimal Delta)> changes = Gen.Choose(0, 2).Zip(Gen.Choose(-1000, 1000).Where(static d => d != 0).Select(static d => (decimal)d / 100)).ToArbitrary();

        await Task.Run(() => Prop.ForAll(changes, static c =>
        {
            var f = new ReviewFixture();
            ReviewTicket ticket = f.ApproveByTwoAsync(f.EscalateAsync().GetAwaiter().GetResult()).GetAwaiter().GetResult();
            Invoice approved = ReviewFixture.Invoice();
            Invoice changed = c.Change switch
            {
                0 => approved with { Amount = approved.Amount + c.Delta },
                1 => approved with { Payee = approved.Payee + " " + c.Delta },
                _ => approved with { Id = approved.Id + c.Delta },
            };

            GuardedResult<int> result = f.RunApprovedAsync(ticket.Id, changed).AsTask().GetAwaiter().GetResult();
            return !result.Executed && f.Runs == 0 && result.Decision.Code == GateCodes.ReviewMismatch;
        }).QuickCheckThrowOnFailure());
    }

    [Fact]
    public async Task ExecuteApprovedAsync_AnyDelayOnTheFakeClock_RunsOnlyBeforeExpiry()
    {
        Arbitrary<int> minutes = Gen.Choose(0, 3 * 24 * 60).ToArbitrary();

        await Task.Run(() => Prop.ForAll(minutes, static m =>
        {
            var f = new ReviewFixture(ApprovalRule.Require(2, "finance").ExpiresAfter(TimeSpan.FromHours(36)));
            ReviewTicket ticket = f.ApproveByTwoAsync(f.EscalateAsync().GetAwaiter().GetResult()).GetAwaiter().GetResult();
            f.Clock.Advance(TimeSpan.FromMinutes(m));
            GuardedResult<int> result = f.RunApprovedAsync(ticket.Id, ReviewFixture.Invoice()).AsTask().GetAwaiter().GetResult();
            bool due = TimeSpan.FromMinutes(m) >= TimeSpan.FromHours(36);
            return result.Executed == !due && (!due || result.Decision.Code == GateCodes.ReviewExpired);
        }).QuickCheckThrowOnFailure());
    }

    private static bool Check(Scenario s)
    {
        ApprovalRule rule = ApprovalRule.Require(s.FinanceApprovers, "finance");
        if (s.TreasuryApprovers > 0)
        {
            rule = rule.And(s.TreasuryApprovers, "treasury");
        }

        var f = new ReviewFixture(rule);
        var directory = new InMemoryReviewerDirectory();
        var held = new Dictionary<string, string[]>();
        for (int i = 0; i < s_people.Length; i++)
        {
            // Grant bits: 1 = finance, 2 = treasury. The fixture's own grants are replaced by these.
            string[] roles = [.. s_roles.Where((_, bit) => (s.Grants[i] & (1 << bit)) != 0)];
            held[s_people[i]] = roles;
            if (roles.Length > 0)
            {
                directory.Grant(s_people[i], roles);
            }
        }

        var executor = new EvidenceFirstExecutor(f.Sink, new EvidenceFirstExecutorOptions
        {
            TimeProvider = f.Clock,
            Catalog = ActionCatalog.CreateBuilder().RequireApproval(ReviewFixture.ActionName, rule).Build(),
            ReviewQueue = f.Queue,
            ReviewerDirectory = directory,
        });
        GuardedResult<int> escalated = executor.ExecuteAsync(f.Action, ReviewFixture.Invoice(), static (_, _) => new ValueTask<int>(0)).AsTask().GetAwaiter().GetResult();
        string id = escalated.ReviewTicket!.Id;
        foreach ((int who, bool approve) in s.Votes)
        {
            try
            {
                _ = (approve ? executor.ApproveAsync(id, s_people[who]) : executor.RejectAsync(id, s_people[who])).AsTask().GetAwaiter().GetResult();
            }
            catch (ApprovalRefusedException)
            {
            }
        }

        int runs = 0;
        GuardedResult<int> result = executor.ExecuteApprovedAsync(id, f.Action, ReviewFixture.Invoice(), (_, _) => new ValueTask<int>(++runs)).AsTask().GetAwaiter().GetResult();
        ReviewTicket ticket = f.Queue.FindAsync(id).AsTask().GetAwaiter().GetResult()!;
        if (!result.Executed)
        {
            return runs == 0 && ticket.State != ReviewTicketState.Executed;
        }

        Interlocked.Increment(ref s_executed);
        IReadOnlyList<ReviewVote> approvals = ticket.Approvals;
        bool distinct = approvals.Select(static v => v.Reviewer).Distinct().Count() == approvals.Count;
        bool notRequester = approvals.All(static v => v.Reviewer != "rita");
        bool authorised = approvals.All(v => held[v.Reviewer].Contains(v.Role));
        bool met = rule.Factors.All(factor => approvals.Count(v => v.Role == factor.Role) >= factor.Approvers);
        bool noRejection = ticket.Rejections.Count == 0;
        return runs == 1 && distinct && notRequester && authorised && met && noRejection;
    }

    public sealed record Scenario(int FinanceApprovers, int TreasuryApprovers, int[] Grants, (int Who, bool Approve)[] Votes)
    {
        public override string ToString() =>
            $"rule {FinanceApprovers}xfinance+{TreasuryApprovers}xtreasury, grants [{string.Join(",", Grants)}], votes [{string.Join(",", Votes.Select(static v => (v.Approve ? "+" : "-") + s_people[v.Who]))}]";
    }
}
