using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Review: counting approvals and rejections, expiring tickets and running an approved request once.</summary>
/// <remarks>
/// The executor decides every change to a ticket (the catalog's rule, the directory's roles) and writes its evidence
/// record before the queue applies it: a vote whose record is not acknowledged does not count. Changes made by one
/// executor are serialized; the queue's compare-and-set guards against other processes.
/// </remarks>
public sealed partial class EvidenceFirstExecutor
{
    private readonly SemaphoreSlim _review = new(1, 1);

    /// <summary>Counts <paramref name="reviewer"/>'s approval of a ticket, if the action's approval rule allows it.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="reviewer">The reviewer's authenticated identity; their roles come from <see cref="EvidenceFirstExecutorOptions.ReviewerDirectory"/>.</param>
    /// <param name="comment">A secret-free comment, recorded with the vote.</param>
    /// <param name="cancellationToken">Cancels the approval before it counts.</param>
    /// <returns>The ticket afterwards: still Pending until every factor is met, then Approved.</returns>
    /// <exception cref="ArgumentException"><paramref name="ticketId"/> or <paramref name="reviewer"/> is null, empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    /// <exception cref="ApprovalRefusedException">The approval breaks a rule (self-approval, a missing role, a second vote,
    /// an expired or decided ticket); the refusal is recorded.</exception>
    /// <exception cref="EvidenceUnavailableException">The approval's evidence record was not acknowledged; it does not count.</exception>
    /// <exception cref="ReviewConflictException">The ticket changed in another process meanwhile; the approval does not count.</exception>
    public ValueTask<ReviewTicket> ApproveAsync(string ticketId, string reviewer, string? comment = null, CancellationToken cancellationToken = default) =>
        VoteAsync(ticketId, reviewer, comment, approve: true, cancellationToken);

    /// <summary>Counts <paramref name="reviewer"/>'s rejection of a ticket, if they hold a role of the action's approval rule.</summary>
    /// <param name="ticketId">The ticket.</param>
    /// <param name="reviewer">The reviewer's authenticated identity.</param>
    /// <param name="comment">A secret-free comment, recorded with the vote.</param>
    /// <param name="cancellationToken">Cancels the rejection before it counts.</param>
    /// <returns>The ticket afterwards: Rejected once the rule's rejection threshold is reached.</returns>
    /// <exception cref="ArgumentException"><paramref name="ticketId"/> or <paramref name="reviewer"/> is null, empty or white space.</exception>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    /// <exception cref="ApprovalRefusedException">The rejection breaks a rule; the refusal is recorded.</exception>
    /// <exception cref="EvidenceUnavailableException">The rejection's evidence record was not acknowledged; it does not count.</exception>
    /// <exception cref="ReviewConflictException">The ticket changed in another process meanwhile; the rejection does not count.</exception>
    public ValueTask<ReviewTicket> RejectAsync(string ticketId, string reviewer, string? comment = null, CancellationToken cancellationToken = default) =>
        VoteAsync(ticketId, reviewer, comment, approve: false, cancellationToken);

    /// <summary>Marks every Pending or Approved ticket whose expiry time has come as Expired, recording each.</summary>
    /// <param name="cancellationToken">Cancels the sweep between tickets.</param>
    /// <returns>How many tickets were marked Expired. A ticket past its expiry never runs, marked or not.</returns>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    public async ValueTask<int> ExpireDueAsync(CancellationToken cancellationToken = default)
    {
        IReviewQueue queue = RequireQueue();
        await _review.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int expired = 0;
            DateTimeOffset now = _timeProvider.GetUtcNow();
            foreach (ReviewTicket ticket in await queue.ListAsync(ReviewTicketFilter.Open, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ticket.IsExpiredAt(now) && await TryExpireAsync(queue, ticket).ConfigureAwait(false))
                {
                    expired++;
                }
            }

            return expired;
        }
        finally
        {
            _review.Release();
        }
    }

    /// <summary>
    /// Runs an approved request: the same path as <c>ExecuteAsync</c> with an approval precondition, at most once per ticket.
    /// </summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <typeparam name="TResult">The type of the side effect's value.</typeparam>
    /// <param name="ticketId">The approved ticket.</param>
    /// <param name="action">The guarded action; it must be the ticket's action.</param>
    /// <param name="context">The request; its description must hash to the ticket's request digest.</param>
    /// <param name="sideEffect">The side effect; runs at most once for the ticket, after the Intent record is acknowledged.</param>
    /// <param name="cancellationToken">Cancels the request before the side effect starts.</param>
    /// <returns>Whether the side effect ran, its value, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentException"><paramref name="ticketId"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    /// <remarks>
    /// <para>
    /// The ticket must be Approved, unexpired and not yet run, and the request must be exactly the approved one
    /// (<see cref="GateCodes.ReviewNotApproved"/>, <see cref="GateCodes.ReviewExpired"/>,
    /// <see cref="GateCodes.ReviewConsumed"/>, <see cref="GateCodes.ReviewMismatch"/> otherwise). The gate is
    /// evaluated again: a Deny still blocks; an Indeterminate answer is covered by the approval (the reviewers stood in
    /// for the check that could not answer), and the Intent record and the ticket say so. The Intent record is written
    /// before the ticket is claimed, and the ticket is claimed before the side effect starts.
    /// </para>
    /// </remarks>
    public ValueTask<GuardedResult<TResult>> ExecuteApprovedAsync<TContext, TResult>(
        string ticketId,
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask<TResult>> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(sideEffect);
        IReviewQueue queue = RequireQueue();
        return ExecuteApprovedCoreAsync(
            queue,
            ticketId,
            new SideEffectCall<TContext, Func<TContext, CancellationToken, ValueTask<TResult>>, TResult>(action, context, sideEffect, static (c, s, ct) => s(c, ct), cancellationToken));
    }

    /// <summary>Runs an approved request whose side effect returns no value; see the overload with a value.</summary>
    /// <typeparam name="TContext">The type of the value judged and acted on.</typeparam>
    /// <param name="ticketId">The approved ticket.</param>
    /// <param name="action">The guarded action; it must be the ticket's action.</param>
    /// <param name="context">The request; its description must hash to the ticket's request digest.</param>
    /// <param name="sideEffect">The side effect; runs at most once for the ticket.</param>
    /// <param name="cancellationToken">Cancels the request before the side effect starts.</param>
    /// <returns>Whether the side effect ran, the decision and the evidence receipts.</returns>
    /// <exception cref="ArgumentException"><paramref name="ticketId"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="sideEffect"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The executor has no review queue.</exception>
    public ValueTask<GuardedResult> ExecuteApprovedAsync<TContext>(
        string ticketId,
        GuardedAction<TContext> action,
        TContext context,
        Func<TContext, CancellationToken, ValueTask> sideEffect,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sideEffect);
        return ToVoidResult(ExecuteApprovedAsync(ticketId, action, context, (c, ct) => ToValueTuple(sideEffect(c, ct)), cancellationToken));
    }

    private async ValueTask<GuardedResult<TResult>> ExecuteApprovedCoreAsync<TContext, TState, TResult>(
        IReviewQueue queue,
        string ticketId,
        SideEffectCall<TContext, TState, TResult> call)
    {
        GuardedAction<TContext> action = call.Action;
        string name = action.Name;
        string executionId = ExecutionIds.New(_timeProvider);
        object? telemetry = _telemetry.OnExecutionStarted(name, executionId);
        var bare = new ExecutionScope(name, executionId, ExecutionIds.CurrentTraceId(), null, [], telemetry);
        string? subject;
        IReadOnlyList<PolicyPin> gatePins;
        string digest;
        try
        {
            subject = action.DescribeSubject(call.Context);
            gatePins = Materialize(action.Gate.Pins);
            digest = RequestDescription.Create(name, action.Requester?.Invoke(call.Context), subject, gatePins, action.RequestFacts?.Invoke(call.Context)).Digest;
        }
        catch (Exception exception)
        {
            GateDecision fault = GateDecision.Indeterminate(
                GateName,
                GateCodes.Fault,
                "The subject, pins or request facts of action '" + name + "' could not be read: " + exception.GetType().FullName + " was thrown.",
                exception);
            return await BlockAsync<TResult>(bare, fault).ConfigureAwait(false);
        }

        var scope = new ExecutionScope(name, bare.ExecutionId, bare.TraceId, subject, gatePins, telemetry);
        if (_catalog.IsStrict && !_catalog.Contains(name))
        {
            // An approval never classifies an action: a strict catalog that no longer lists it blocks the run.
            GateDecision unclassified = GateDecision.Deny(ActionCatalog.GateName, "The action '" + name + "' is not in the strict action catalog.", GateCodes.ActionUnclassified);
            return await BlockAsync<TResult>(scope, unclassified).ConfigureAwait(false);
        }

        CancellationToken cancellationToken = call.CancellationToken;
        try
        {
            await _review.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
        }

        EvidenceReceipt? announcement;
        GateDecision decision;
        try
        {
            ReviewTicket? ticket;
            try
            {
                ticket = await queue.FindAsync(ticketId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // A queue that cannot be read (a server down, a timeout) approves nothing: the request stays blocked.
                GateDecision unreadable = cancellationToken.IsCancellationRequested
                    ? _canceled
                    : GateDecision.Indeterminate(
                        GateName,
                        exception is EvidenceUnavailableException unavailable ? unavailable.Code : GateCodes.Fault,
                        "The review queue could not be read for ticket '" + ticketId + "': " + exception.GetType().FullName + " was thrown.",
                        exception);
                return await BlockAsync<TResult>(scope, unreadable).ConfigureAwait(false);
            }

            if (Precondition(ticket, ticketId, name, digest) is { } refused)
            {
                if (refused.Code == GateCodes.ReviewExpired && ticket!.State != ReviewTicketState.Expired)
                {
                    _ = await TryExpireAsync(queue, ticket).ConfigureAwait(false);
                }

                return await BlockAsync<TResult>(scope, refused).ConfigureAwait(false);
            }

            // The gate is asked again: no approval overrides a definite no.
            decision = await action.Gate.EvaluateAsync(call.Context, cancellationToken).ConfigureAwait(false);
            scope = new ExecutionScope(name, scope.ExecutionId, scope.TraceId, subject, MergePins(gatePins, decision), telemetry);
            if (decision.Verdict == Verdict.Deny || decision.Code == GateCodes.Canceled || cancellationToken.IsCancellationRequested)
            {
                return await BlockAsync<TResult>(scope, cancellationToken.IsCancellationRequested ? _canceled : decision).ConfigureAwait(false);
            }

            string covered = decision.Verdict == Verdict.Indeterminate
                ? "; the approval stands in for " + decision.ToString() + ", which could not answer"
                : string.Empty;
            string detail = "Runs ticket '" + ticket!.Id + "' approved by " + Reviewers(ticket) + covered + ".";
            EvidenceWrite intent = await WriteAsync(scope, scope.ToRecord(EvidenceKind.Intent, decision, detail, _timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (intent.IsUnencodable)
            {
                return await BlockAsync<TResult>(scope, Unencodable(scope, intent.Failure)).ConfigureAwait(false);
            }

            if (intent.CanceledByCaller || cancellationToken.IsCancellationRequested)
            {
                return await BlockAsync<TResult>(scope, _canceled).ConfigureAwait(false);
            }

            if (!intent.IsWritten)
            {
                // The ticket stays Approved: nothing ran, and it can be run once evidence is back.
                GateDecision outage = GateDecision.Indeterminate(GateName, GateCodes.EvidenceUnavailable, "The Intent record of approved ticket '" + ticket.Id + "' was not acknowledged: " + intent.Failure);
                return await BlockAsync<TResult>(scope, outage).ConfigureAwait(false);
            }

            // Claim the ticket before the side effect: at most once, also across processes sharing the queue.
            try
            {
                ReviewTicket claimed = await queue.ApplyAsync(
                        new ReviewTransition
                        {
                            TicketId = ticket.Id,
                            ExpectedVersion = ticket.Version,
                            Kind = ReviewTransitionKind.Execute,
                            NewState = ReviewTicketState.Executed,
                            At = _timeProvider.GetUtcNow(),
                            Note = "Run as execution " + scope.ExecutionId + covered + ".",
                        },
                        CancellationToken.None)
                    .ConfigureAwait(false);
                ReportChange(claimed, ReviewTransitionKind.Execute, ticket.State);
            }
            catch (Exception exception)
            {
                GateDecision consumed = GateDecision.Deny(
                    GateName,
                    "Approved ticket '" + ticket.Id + "' could not be claimed for this run (" + exception.GetType().Name + "); it runs at most once.",
                    GateCodes.ReviewConsumed);
                return await BlockAsync<TResult>(scope, consumed).ConfigureAwait(false);
            }

            announcement = intent.Receipt;
        }
        finally
        {
            _review.Release();
        }

        return await RunAsync(scope, decision, announcement, isFailOpen: false, call).ConfigureAwait(false);
    }

    private GateDecision? Precondition(ReviewTicket? ticket, string ticketId, string action, string digest)
    {
        if (ticket is null)
        {
            return GateDecision.Deny(GateName, "No review ticket has id '" + ticketId + "'.", GateCodes.ReviewNotApproved);
        }

        if (!string.Equals(ticket.Action, action, StringComparison.Ordinal))
        {
            return GateDecision.Deny(GateName, "Ticket '" + ticketId + "' approves action '" + ticket.Action + "', not '" + action + "'.", GateCodes.ReviewMismatch);
        }

        if (!string.Equals(ticket.RequestDigest, digest, StringComparison.Ordinal))
        {
            return GateDecision.Deny(
                GateName,
                "The request differs from the one ticket '" + ticketId + "' is for (digest " + digest + ", ticket " + ticket.RequestDigest + "); an approval approves that request and nothing else.",
                GateCodes.ReviewMismatch);
        }

        if (ticket.State == ReviewTicketState.Executed)
        {
            return GateDecision.Deny(GateName, "Ticket '" + ticketId + "' has already run; an approval runs at most once.", GateCodes.ReviewConsumed);
        }

        if (ticket.IsExpiredAt(_timeProvider.GetUtcNow()))
        {
            return GateDecision.Deny(
                GateName,
                string.Create(CultureInfo.InvariantCulture, $"Ticket '{ticketId}' expired at {ticket.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}."),
                GateCodes.ReviewExpired);
        }

        if (ticket.State != ReviewTicketState.Approved)
        {
            return GateDecision.Deny(GateName, "Ticket '" + ticketId + "' is " + ticket.State + ", not Approved.", GateCodes.ReviewNotApproved);
        }

        return null;
    }

    private async ValueTask<ReviewTicket> VoteAsync(string ticketId, string reviewer, string? comment, bool approve, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ticketId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        IReviewQueue queue = RequireQueue();
        await _review.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReviewTicket? ticket = await queue.FindAsync(ticketId, cancellationToken).ConfigureAwait(false);
            if (ticket is null)
            {
                throw new ApprovalRefusedException(ticketId, reviewer, ApprovalRefusal.UnknownTicket, "No review ticket has id '" + ticketId + "'; nothing was counted.");
            }

            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (ticket.IsExpiredAt(now))
            {
                if (ticket.State != ReviewTicketState.Expired)
                {
                    _ = await TryExpireAsync(queue, ticket).ConfigureAwait(false);
                }

                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.Expired, string.Create(CultureInfo.InvariantCulture, $"it expired at {ticket.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}")).ConfigureAwait(false);
            }

            if (ticket.State != ReviewTicketState.Pending)
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.AlreadyDecided, "it is already " + ticket.State).ConfigureAwait(false);
            }

            if (ticket.Requester is null)
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.RequesterUnknown, "it names no requester, so self-approval cannot be excluded").ConfigureAwait(false);
            }

            if (string.Equals(ticket.Requester, reviewer, StringComparison.Ordinal))
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.SelfApproval, "the reviewer is the requester, and nobody reviews their own request").ConfigureAwait(false);
            }

            if (HasVoted(ticket, reviewer))
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.AlreadyCounted, "the reviewer already voted on it, and one person counts once").ConfigureAwait(false);
            }

            if (_catalog.GetApprovalRule(ticket.Action) is not { } rule)
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.NoApprovalRule, "its action has no approval rule in the catalog").ConfigureAwait(false);
            }

            IReadOnlyCollection<string> roles = _reviewerDirectory is { } directory
                ? await directory.GetRolesAsync(reviewer, cancellationToken).ConfigureAwait(false) ?? []
                : [];
            string? role = approve ? rule.CountFor(roles, ticket.Approvals) : FirstRole(rule, roles);
            if (role is null)
            {
                throw await RefuseAsync(ticket, reviewer, ApprovalRefusal.MissingRole, "the reviewer holds none of the roles its rule asks for (" + rule + ")").ConfigureAwait(false);
            }

            var vote = new ReviewVote(reviewer, role, now, comment);
            ReviewTicketState next;
            if (approve)
            {
                next = rule.IsMetBy([.. ticket.Approvals, vote]) ? ReviewTicketState.Approved : ReviewTicketState.Pending;
            }
            else
            {
                next = ticket.Rejections.Count + 1 >= rule.RejectionThreshold ? ReviewTicketState.Rejected : ReviewTicketState.Pending;
            }

            var transition = new ReviewTransition
            {
                TicketId = ticket.Id,
                ExpectedVersion = ticket.Version,
                Kind = approve ? ReviewTransitionKind.Approve : ReviewTransitionKind.Reject,
                NewState = next,
                At = now,
                Vote = vote,
            };

            // Evidence first: a vote whose record is not acknowledged does not count.
            string detail = (approve ? "Approved" : "Rejected") + " ticket '" + ticket.Id + "' by '" + reviewer + "' as " + role + "; the ticket is now " + next + ".";
            EvidenceWrite write = await WriteAsync(TicketScope(ticket), TicketRecord(ticket, approve ? Verdict.Allow : Verdict.Deny, approve ? GateCodes.ReviewApproved : GateCodes.ReviewRejected, detail), cancellationToken).ConfigureAwait(false);
            if (!write.IsWritten)
            {
                throw new EvidenceUnavailableException(
                    GateCodes.EvidenceUnavailable,
                    "The " + (approve ? "approval" : "rejection") + " of ticket '" + ticket.Id + "' by '" + reviewer + "' was not recorded (" + write.Failure + "), so it does not count.");
            }

            ReviewTicket changed = await queue.ApplyAsync(transition, cancellationToken).ConfigureAwait(false);
            ReportChange(changed, transition.Kind, ticket.State);
            return changed;
        }
        finally
        {
            _review.Release();
        }
    }

    private async ValueTask<ApprovalRefusedException> RefuseAsync(ReviewTicket ticket, string reviewer, ApprovalRefusal refusal, string why)
    {
        string message = "The vote of '" + reviewer + "' on ticket '" + ticket.Id + "' was refused (" + refusal + "): " + why + ".";
        _ = await WriteAsync(TicketScope(ticket), TicketRecord(ticket, Verdict.Deny, GateCodes.ReviewRefused, message), CancellationToken.None).ConfigureAwait(false);
        return new ApprovalRefusedException(ticket.Id, reviewer, refusal, message);
    }

    /// <summary>Records and applies an expiry; false when the record or the queue refused it (the ticket still never runs).</summary>
    private async ValueTask<bool> TryExpireAsync(IReviewQueue queue, ReviewTicket ticket)
    {
        string detail = string.Create(CultureInfo.InvariantCulture, $"Ticket '{ticket.Id}' expired at {ticket.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} while {ticket.State}.");
        EvidenceWrite write = await WriteAsync(TicketScope(ticket), TicketRecord(ticket, Verdict.Deny, GateCodes.ReviewExpired, detail), CancellationToken.None).ConfigureAwait(false);
        if (!write.IsWritten)
        {
            return false;
        }

        ReviewTicket expired;
        try
        {
            expired = await queue.ApplyAsync(
                    new ReviewTransition
                    {
                        TicketId = ticket.Id,
                        ExpectedVersion = ticket.Version,
                        Kind = ReviewTransitionKind.Expire,
                        NewState = ReviewTicketState.Expired,
                        At = _timeProvider.GetUtcNow(),
                    },
                    CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception)
        {
            return false;
        }

        ReportChange(expired, ReviewTransitionKind.Expire, ticket.State);
        return true;
    }

    /// <summary>Tells the telemetry about a change the queue has applied; a failing observer never undoes or hides it.</summary>
    private void ReportChange(ReviewTicket ticket, ReviewTransitionKind change, ReviewTicketState previousState)
    {
        try
        {
            _telemetry.OnReviewTicketChanged(ticket, change, previousState);
        }
#pragma warning disable CA1031 // The change is applied and recorded: an observer's exception must not turn it into a failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private EvidenceRecord TicketRecord(ReviewTicket ticket, Verdict verdict, string code, string detail) => new()
    {
        Timestamp = _timeProvider.GetUtcNow(),
        Action = ticket.Action,
        Kind = EvidenceKind.Approval,
        Verdict = verdict,
        Code = code,
        Gate = ReviewEventCodec.GateName,
        Pins = ticket.Pins,
        Subject = ticket.Subject,
        ExecutionId = ticket.ExecutionId,
        TraceId = ticket.TraceId,
        Detail = detail,
    };

    private IReviewQueue RequireQueue() =>
        _reviewQueue ?? throw new InvalidOperationException("The executor has no review queue; set EvidenceFirstExecutorOptions.ReviewQueue to review, approve or run approved requests.");

    private static bool HasVoted(ReviewTicket ticket, string reviewer)
    {
        foreach (ReviewVote vote in ticket.Approvals)
        {
            if (string.Equals(vote.Reviewer, reviewer, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (ReviewVote vote in ticket.Rejections)
        {
            if (string.Equals(vote.Reviewer, reviewer, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? FirstRole(ApprovalRule rule, IReadOnlyCollection<string> roles)
    {
        foreach (ApprovalFactor factor in rule.Factors)
        {
            if (roles.Contains(factor.Role, StringComparer.Ordinal))
            {
                return factor.Role;
            }
        }

        return null;
    }

    private static string Reviewers(ReviewTicket ticket)
    {
        var names = new string[ticket.Approvals.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = "'" + ticket.Approvals[i].Reviewer + "' (" + ticket.Approvals[i].Role + ")";
        }

        return string.Join(", ", names);
    }

    /// <summary>The scope of a ticket's own records (votes, refusals, expiry): no execution telemetry is attached.</summary>
    private static ExecutionScope TicketScope(ReviewTicket ticket) =>
        new(ticket.Action, ticket.ExecutionId, ticket.TraceId, null, [], null);
}
