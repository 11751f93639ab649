namespace ECommerce.Api.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails with the last value at the deadline.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Still not {what} after {timeout}; last seen: {value}");
            }

            // Pacing between probes, not synchronisation: the condition above is what the test waits for.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
