using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Products;

public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/products").WithTags("Products");
        group.MapPost("", CreateProductAsync).RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", ListProductsAsync).AllowAnonymous()
            .WithName("SearchProducts")
            .WithSummary("Searches and lists products from the in-memory index: q (name words or word starts), minPrice, maxPrice and inStock over options, sort (name, price, -price, newest), page, size.");
        group.MapGet("/top", GetTopProductsAsync).ProducesProblem(StatusCodes.Status400BadRequest).AllowAnonymous();
        group.MapGet("/{productId}", GetProductAsync).ProducesProblem(StatusCodes.Status404NotFound).AllowAnonymous();
        group.MapPost("/{productId}/stock", AdjustStockAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(AuthPolicies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public static async Task<Results<Created<ProductResponse>, ValidationProblem>> CreateProductAsync(
        CreateProductRequest request, IGrainFactory grains)
    {
        var validation = ValidateCreation(request);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var options = request.Options is null
            ? [(IProductGrain.DefaultOptionName, request.Price!.Value, (int)request.Stock!.Value)]
            : request.Options.Select(o => (o!.Name!, o.Price!.Value, (int)o.Stock!.Value)).ToList();
        var productId = await grains.GetGrain<IIdAllocatorGrain>(IdSequences.Product).NextIdAsync();
        var product = await ProductCreation.CreateAsync(grains, productId, request.Name!, options);
        return TypedResults.Created($"/api/v1/products/{productId}", ProductResponse.From(product));
    }

    /// <summary>Shape only, before any id is taken; the product grain checks names and ranges again.</summary>
    private static RequestValidation ValidateCreation(CreateProductRequest request)
    {
        var validation = new RequestValidation().Required(request.Name, "name");
        if (request.Options is null)
        {
            return validation
                .Required(request.Price, "price")
                .InRange(request.Stock, 0, int.MaxValue, "stock");
        }

        validation.Check(request.Options.Count is > 0 and <= IProductGrain.MaxOptions, "options",
            $"options must hold 1..{IProductGrain.MaxOptions} options.");
        for (var i = 0; i < request.Options.Count; i++)
        {
            var option = request.Options[i];
            validation
                .Check(!string.IsNullOrWhiteSpace(option?.Name), $"options[{i}].name", $"options[{i}].name is required.")
                .InRange(option?.Price, 0, long.MaxValue, $"options[{i}].price")
                .InRange(option?.Stock, 0, int.MaxValue, $"options[{i}].stock");
        }

        var repeated = request.Options.Where(o => !string.IsNullOrWhiteSpace(o?.Name))
            .GroupBy(o => o!.Name!.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return validation.Check(repeated.Count == 0, "options",
            $"Option names must be unique within the product (repeated: {string.Join(", ", repeated)}).");
    }

    /// <summary>Search and listing, answered from the catalog's in-memory word index: <paramref name="q"/> keeps products
    /// whose name has, for each query word, a word equal to it or starting with it (case-insensitive, split at spaces
    /// and punctuation, Korean included); the price range and <paramref name="inStock"/>=true apply to options;
    /// <paramref name="sort"/> is name, price, -price or newest (default: by product id). Names and prices come from the
    /// catalog; stock is live, from each product. An unknown sort or a bad range is a VALIDATION_FAILED.</summary>
    public static async Task<Results<Ok<ProductPageResponse>, ValidationProblem>> ListProductsAsync(IGrainFactory grains,
        int? page, int? size, string? q, long? minPrice, long? maxPrice, bool? inStock, string? sort)
    {
        var sortBy = ParseSort(sort);
        var validation = new RequestValidation()
            .Check(sortBy is not null, "sort", "sort must be one of name, price, -price, newest.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var found = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).SearchAsync(new CatalogQuery(page ?? 1,
            size ?? 20, string.IsNullOrWhiteSpace(q) ? null : q, minPrice, maxPrice, inStock, sortBy!.Value));
        var products = await Task.WhenAll(found.Items.Select(item => grains.GetGrain<IProductGrain>(item.ProductId).GetAsync()));
        return TypedResults.Ok(new ProductPageResponse(products.Select(ProductResponse.From).ToList(), found.Page,
            found.Size, found.Total));
    }

    private static CatalogSort? ParseSort(string? sort) => sort switch
    {
        null or "" => CatalogSort.Id,
        "name" => CatalogSort.Name,
        "price" => CatalogSort.Price,
        "-price" => CatalogSort.PriceDescending,
        "newest" => CatalogSort.Newest,
        _ => null,
    };

    /// <summary>Best sellers over the last <paramref name="days"/> business days (1..30, default 3), at most
    /// <paramref name="limit"/> (1..50, default 5); out of range is a VALIDATION_FAILED from the ranking grain.</summary>
    public static async Task<Ok<List<TopProductResponse>>> GetTopProductsAsync(IGrainFactory grains, int? days, int? limit)
    {
        var top = await grains.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key).GetTopAsync(days ?? 3, limit ?? 5);
        return TypedResults.Ok(top.Select(TopProductResponse.From).ToList());
    }

    public static async Task<Results<Ok<ProductResponse>, ValidationProblem>> GetProductAsync(long productId,
        IGrainFactory grains)
    {
        var validation = new RequestValidation().Id(productId, "productId");
        return validation.IsValid
            ? TypedResults.Ok(ProductResponse.From(await grains.GetGrain<IProductGrain>(productId).GetAsync()))
            : validation.ToProblem();
    }

    public static async Task<Results<Ok<ProductResponse>, ValidationProblem>> AdjustStockAsync(long productId,
        AdjustStockRequest request, IGrainFactory grains)
    {
        var validation = new RequestValidation()
            .Id(productId, "productId")
            .InRange(request.Delta, int.MinValue, int.MaxValue, "delta")
            .OptionalId(request.OptionId, "optionId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var product = await grains.GetGrain<IProductGrain>(productId).AdjustStockAsync((int)request.Delta!.Value,
            request.OptionId ?? 0);
        return TypedResults.Ok(ProductResponse.From(product));
    }
}
