using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Runtime;
using ECommerce.Silo.Storage;
using ECommerce.Silo.Storage.Commerce;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Silo;

public static class CommerceStorageServiceCollectionExtensions
{
    /// <summary>Maps every commerce state and record type onto the ERD tables of migration 0002_commerce.</summary>
    public static IServiceCollection AddCommerceStorage(this IServiceCollection services) =>
        services
            .AddStateTable<UserState, UserTable>()
            .AddRecordWriter<BalanceEntry, BalanceEntryWriter>()
            .AddStateTable<EmailState, EmailTable>()
            .AddStateTable<IdAllocatorState, IdSequenceTable>()
            .AddStateTable<ProductState, ProductTable>()
            .AddRecordWriter<StockReservation, StockReservationWriter>()
            .AddStateTable<CatalogState, CatalogTable>()
            .AddStateTable<CouponState, CouponTable>()
            .AddRecordWriter<UserCoupon, UserCouponWriter>()
            .AddStateTable<OrderState, OrderTable>()
            .AddRecordWriter<PaymentRecord, PaymentRecordWriter>()
            .AddRecordWriter<OutboxEvent, OutboxEventWriter>();
}
