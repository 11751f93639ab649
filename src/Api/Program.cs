using ECommerce.Api.Coupons;
using ECommerce.Api.DemoData;
using ECommerce.Api.Errors;
using ECommerce.Api.Hosting;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Users;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCommerceSilo(builder.Configuration);
builder.Services.AddDemoData();
builder.Services.AddApiErrors();
builder.Services.AddApiJson();
builder.Services.AddApiDocs();

var app = builder.Build();

app.UseApiErrors();
app.UseRequestBodyLimit();
app.UseApiDocs();

app.MapUsersApi();
app.MapProductsApi();
app.MapCouponsApi();
app.MapOrdersApi();

app.Run();

public partial class Program;
