using System.Globalization;

namespace FailClosed.Gates;

/// <summary>Evidence writes and review requests, each bounded by the evidence write timeout.</summary>
public sealed partial class EvidenceFirstExecutor
{
    /// <summary>
    /// Appends <paramref name="record"/> within the deadline. Never throws: an exception, a fault, a cancellation or a
    /// receipt that arrives after the deadline is a failed write. Completes synchronously when the sink does.
    /// </summary>
    /// <remarks>
    /// The deadline runs from the moment the sink is called. Its timer is armed, with what is left of the budget,
    /// only when the sink returns a pending task: a sink that completes synchronously costs two timestamps, not a
    /// timer, and is judged late by its elapsed time. A sink that blocks synchronously holds its caller's thread, so
    /// only it can bound that part of the wait.
    /// </remarks>
    private ValueTask<EvidenceWrite> WriteAsync(ExecutionScope scope, EvidenceRecord record, CancellationToken callerToken)
    {
        // A record the encoding cannot hold is the caller's bug, found here rather than by the sink, so that it is
        // never mistaken for an outage (which a fail-open exemption would cover). An Intent or FailOpen record keeps
        // room for the Outcome record that follows it with the same facts and a short detail.
        int reserve = record.Kind is EvidenceKind.Intent or EvidenceKind.FailOpen ? OutcomeReserveBytes : 0;
        if (EvidenceEncoding.FindProblem(record, reserve) is { } problem)
        {
            return new ValueTask<EvidenceWrite>(EvidenceWrite.Unencodable(problem));
        }

        Deadline deadline = _deadlines.Rent();
        CancellationTokenRegistration link = callerToken.CanBeCanceled
            ? callerToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline.Source)
            : default;
        long started = _timeProvider.GetTimestamp();

        ValueTask<EvidenceReceipt> pending;
        try
        {
            pending = _sink.AppendAsync(record, deadline.Token);
        }
        catch (Exception exception)
        {
            EvidenceWrite thrown = Failed(exception, IsLate(started, deadline), callerToken);
            Release(link, deadline);
            return new ValueTask<EvidenceWrite>(Reported(scope.Telemetry, scope.Action, record.Kind, started, thrown));
        }

        if (!pending.IsCompleted)
        {
            TimeSpan remaining = _evidenceWriteTimeout - _timeProvider.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                deadline.Arm(remaining);
            }
            else
            {
                deadline.Expire();
            }

            return AwaitWriteAsync(pending, link, deadline, callerToken, scope.Telemetry, scope.Action, record.Kind, started);
        }

        // One clock read judges the write and times it.
        TimeSpan elapsed = _timeProvider.GetElapsedTime(started);
        bool late = deadline.HasExpired || elapsed >= _evidenceWriteTimeout;
        EvidenceWrite write;
        try
        {
            EvidenceReceipt receipt = pending.Result;
            write = Acknowledged(receipt, late, callerToken);
        }
        catch (Exception exception)
        {
            write = Failed(exception, late, callerToken);
        }

        Release(link, deadline);
        _telemetry.OnEvidenceWritten(scope.Telemetry, scope.Action, record.Kind, elapsed, write.IsWritten);
        return new ValueTask<EvidenceWrite>(write);
    }

    private async ValueTask<EvidenceWrite> AwaitWriteAsync(
        ValueTask<EvidenceReceipt> pending,
        CancellationTokenRegistration link,
        Deadline deadline,
        CancellationToken callerToken,
        object? telemetry,
        string action,
        EvidenceKind kind,
        long started)
    {
        Task<EvidenceReceipt> task = pending.AsTask();
        try
        {
            // WaitAsync returns at the deadline even when the sink ignores its token.
            EvidenceReceipt receipt = await task.WaitAsync(deadline.Token).ConfigureAwait(false);
            return Reported(telemetry, action, kind, started, Acknowledged(receipt, deadline.HasExpired, callerToken));
        }
        catch (Exception exception)
        {
            if (!task.IsCompleted)
            {
                // Abandoned: whatever the sink does later must not surface as an unobserved task exception.
                _ = task.ContinueWith(
                    static t => _ = t.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            return Reported(telemetry, action, kind, started, Failed(exception, deadline.HasExpired, callerToken));
        }
        finally
        {
            Release(link, deadline);
        }
    }

    private EvidenceWrite Reported(object? telemetry, string action, EvidenceKind kind, long started, EvidenceWrite write)
    {
        _telemetry.OnEvidenceWritten(telemetry, action, kind, _timeProvider.GetElapsedTime(started), write.IsWritten);
        return write;
    }

    private bool IsLate(long started, Deadline deadline) =>
        deadline.HasExpired || _timeProvider.GetElapsedTime(started) >= _evidenceWriteTimeout;

    private EvidenceWrite Acknowledged(EvidenceReceipt receipt, bool late, CancellationToken callerToken)
    {
        // A receipt that races the deadline counts as late. One that races the caller's cancellation is durable and
        // accepted; the executor then blocks on the canceled token before the side effect.
        return late && !callerToken.IsCancellationRequested
            ? EvidenceWrite.Failed(DeadlineMessage())
            : EvidenceWrite.Written(receipt);
    }

    private EvidenceWrite Failed(Exception exception, bool late, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            return EvidenceWrite.Canceled();
        }

        // Exception messages may carry secrets and never reach evidence: the type says enough.
        return late
            ? EvidenceWrite.Failed(DeadlineMessage())
            : EvidenceWrite.Failed("the evidence sink threw " + exception.GetType().FullName + ".");
    }

    private string DeadlineMessage() =>
        string.Create(CultureInfo.InvariantCulture, $"the evidence sink did not acknowledge the record within {_evidenceWriteTimeout}.");

    private void Release(CancellationTokenRegistration link, Deadline deadline)
    {
        link.Dispose();
        _deadlines.Return(deadline);
    }

    /// <summary>Queues a review request within the deadline. Never throws: a queue that fails yields no ticket, and the block stands.</summary>
    private async ValueTask<ReviewTicket?> TryEnqueueAsync(IReviewQueue queue, ReviewRequest request, CancellationToken callerToken)
    {
        Deadline deadline = _deadlines.Rent();
        deadline.Arm(_evidenceWriteTimeout);
        CancellationTokenRegistration link = callerToken.CanBeCanceled
            ? callerToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline.Source)
            : default;
        Task<ReviewTicket>? task = null;
        try
        {
            ValueTask<ReviewTicket> pending = queue.EnqueueAsync(request, deadline.Token);
            if (pending.IsCompleted)
            {
                return pending.Result;
            }

            task = pending.AsTask();
            return await task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            if (task is { IsCompleted: false })
            {
                _ = task.ContinueWith(
                    static t => _ = t.Exception,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            return null;
        }
        finally
        {
            Release(link, deadline);
        }
    }
}
