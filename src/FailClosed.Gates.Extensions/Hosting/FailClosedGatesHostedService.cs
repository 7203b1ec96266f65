using Microsoft.Extensions.Hosting;

namespace FailClosed.Gates.Extensions;

/// <summary>
/// Opens every registration's evidence journal before any other hosted service starts, and checkpoints and closes it
/// after every other hosted service has stopped, so hosted work never runs without its journal.
/// </summary>
internal sealed class FailClosedGatesHostedService(EvidenceFirstExecutorProvider provider) : IHostedLifecycleService
{
    private readonly List<HostedEvidenceJournal> _started = [];

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (string name in provider.Names)
        {
            if (provider.GetHostedJournal(name) is { } journal)
            {
                lock (_started)
                {
                    _started.Add(journal);
                }

                await journal.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Every journal is closed even when one fails: a final checkpoint is worth more than a prompt exception.
        // Only what StartingAsync reached: a host whose options failed validation never resolves its journals.
        HostedEvidenceJournal[] started;
        lock (_started)
        {
            started = [.. _started];
        }

        List<Exception>? failures = null;
        foreach (HostedEvidenceJournal journal in started)
        {
            try
            {
                await journal.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                (failures ??= []).Add(exception);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("One or more evidence journals could not be closed.", failures);
        }
    }
}
