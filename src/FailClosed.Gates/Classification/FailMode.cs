using System.Globalization;

namespace FailClosed.Gates;

/// <summary>
/// How an action behaves when confidence cannot be established: <see cref="Closed"/> (the default) blocks, and an
/// explicit, justified, expiring <see cref="Open"/> exemption lets it run.
/// </summary>
/// <remarks>
/// An exemption applies only to <see cref="Verdict.Indeterminate"/> decisions and evidence outages, never to a
/// <see cref="Verdict.Deny"/>, and only before its review date: from <see cref="ReviewBy"/> on it counts as closed.
/// </remarks>
public sealed class FailMode : IEquatable<FailMode>
{
    private FailMode(string? justification, DateTimeOffset? reviewBy)
    {
        Justification = justification;
        ReviewBy = reviewBy;
    }

    /// <summary>Gets the default mode: anything uncertain blocks.</summary>
    public static FailMode Closed { get; } = new(null, null);

    /// <summary>Gets a value indicating whether this is a fail-open exemption (whether or not it has expired).</summary>
    public bool IsOpen => ReviewBy.HasValue;

    /// <summary>Gets why the exemption is acceptable, for governance review.</summary>
    /// <value><see langword="null"/> for <see cref="Closed"/>.</value>
    public string? Justification { get; }

    /// <summary>Gets the instant from which the exemption no longer applies and the action counts as closed.</summary>
    /// <value><see langword="null"/> for <see cref="Closed"/>.</value>
    public DateTimeOffset? ReviewBy { get; }

    /// <summary>Creates a fail-open exemption that expires at <paramref name="reviewBy"/>.</summary>
    /// <param name="justification">Why running without confidence is acceptable; shown in the governance table.</param>
    /// <param name="reviewBy">The instant from which the exemption counts as closed until someone renews it.</param>
    /// <returns>The exemption.</returns>
    /// <exception cref="ArgumentException"><paramref name="justification"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reviewBy"/> is <c>default</c> or
    /// <see cref="DateTimeOffset.MaxValue"/>: an exemption must expire.</exception>
    public static FailMode Open(string justification, DateTimeOffset reviewBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(justification);
        if (reviewBy == default || reviewBy == DateTimeOffset.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(reviewBy),
                reviewBy,
                string.Create(CultureInfo.InvariantCulture, $"The review date '{reviewBy:O}' is not a real date; a fail-open exemption must expire at a reviewable instant."));
        }

        return new FailMode(justification, reviewBy);
    }

    /// <summary>Determines whether this mode lets an uncertain action run at <paramref name="now"/>.</summary>
    /// <param name="now">The current instant, from a <see cref="TimeProvider"/>.</param>
    /// <returns><see langword="true"/> only for an exemption whose review date is still ahead.</returns>
    public bool IsInForceAt(DateTimeOffset now) => ReviewBy is { } reviewBy && now < reviewBy;

    /// <inheritdoc />
    public bool Equals(FailMode? other) =>
        other is not null
        && Nullable.Equals(ReviewBy, other.ReviewBy)
        && string.Equals(Justification, other.Justification, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FailMode);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Justification, ReviewBy);

    /// <summary>Returns <c>Closed</c> or <c>Open until &lt;review date&gt;: &lt;justification&gt;</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        ReviewBy is { } reviewBy
            ? string.Create(CultureInfo.InvariantCulture, $"Open until {reviewBy.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {Justification}")
            : "Closed";
}
