namespace FailClosed.Gates.Tests.Evidence;

public sealed class PendingAppendTests
{
    [Fact]
    public void Pooled_KeepsACopyOfTheContent_UntilReleased()
    {
        byte[] content = [1, 2, 3, 4, 5];
        PendingAppend append = PendingAppend.Pooled(content);
        content[0] = 9;

        Assert.Equal([1, 2, 3, 4, 5], append.Content.ToArray());
        Assert.Equal(5, append.ContentLength);

        append.ReleaseContent();
        append.ReleaseContent();

        Assert.True(append.Content.IsEmpty);
        Assert.Equal(5, append.ContentLength);
    }

    [Fact]
    public void Owning_KeepsTheContentAfterRelease()
    {
        byte[] content = [1, 2, 3];
        PendingAppend append = PendingAppend.Owning(content);

        append.ReleaseContent();

        Assert.Equal(content, append.Content.ToArray());
    }

    [Fact]
    public void Pooled_HundredsQueuedAtOnce_ReuseTheirArraysOnceReleased()
    {
        // A journal with hundreds of writers holds one content array per queued append. Released, they must serve the
        // next appends: renting them again allocates only the appends themselves (216 bytes each), not a
        // 512-byte array as well, which is what a pool keeping a few arrays per core does past its capacity.
        const int Queued = 300;
        byte[] content = new byte[300];
        Hold(content, Queued);

        long before = GC.GetAllocatedBytesForCurrentThread();
        PendingAppend[] again = Hold(content, Queued);
        long perAppend = (GC.GetAllocatedBytesForCurrentThread() - before - (again.Length * IntPtr.Size)) / Queued;

        Assert.InRange(perAppend, 1, 320);
    }

    private static PendingAppend[] Hold(byte[] content, int count)
    {
        var appends = new PendingAppend[count];
        for (int i = 0; i < count; i++)
        {
            appends[i] = PendingAppend.Pooled(content);
        }

        foreach (PendingAppend append in appends)
        {
            append.ReleaseContent();
        }

        return appends;
    }
}
