namespace FailClosed.Gates;

/// <summary>A fixed <see cref="IReviewerDirectory"/> for tests and samples.</summary>
public sealed class InMemoryReviewerDirectory : IReviewerDirectory
{
    private readonly Dictionary<string, string[]> _roles = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Grants <paramref name="roles"/> to <paramref name="reviewer"/>, in addition to any it holds.</summary>
    /// <param name="reviewer">The reviewer's identity.</param>
    /// <param name="roles">The roles.</param>
    /// <returns>This directory.</returns>
    /// <exception cref="ArgumentException"><paramref name="reviewer"/> or a role is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="roles"/> is null.</exception>
    public InMemoryReviewerDirectory Grant(string reviewer, params string[] roles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewer);
        ArgumentNullException.ThrowIfNull(roles);
        foreach (string role in roles)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(role, nameof(roles));
        }

        lock (_lock)
        {
            _roles[reviewer] = _roles.TryGetValue(reviewer, out string[]? held) ? [.. held.Union(roles, StringComparer.Ordinal)] : [.. roles];
        }

        return this;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="reviewer"/> is null.</exception>
    public ValueTask<IReadOnlyCollection<string>> GetRolesAsync(string reviewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return new ValueTask<IReadOnlyCollection<string>>(_roles.TryGetValue(reviewer, out string[]? roles) ? roles : []);
        }
    }
}
