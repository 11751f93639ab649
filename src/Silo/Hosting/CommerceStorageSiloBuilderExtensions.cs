// TEMPORARY STUB: replaced by the orleans-sql branch's version on merge.
using Microsoft.Extensions.Configuration;

namespace ECommerce.Silo.Hosting;

public static class CommerceStorageSiloBuilderExtensions
{
    public static ISiloBuilder AddCommerceStorage(this ISiloBuilder silo, IConfiguration configuration) => silo;
}
