"""The product catalogue in the back office: the list, a product's texts and settings with
a preview of its public page, and publishing or withdrawing it.

1. The list (``catalog.view_product``) finds products by words of their title or
   keywords and filters them by status.
2. A product's page (``catalog.change_product``) edits its texts in Dutch, French and
   English and its settings. "Preview" shows the public page as a resident would
   read it, in the language chosen, with what was typed and nothing saved; "Save"
   goes through ``catalog.services.product_update``, which makes the snapshot for
   the LPDC feed and sends the event.
3. Publishing and withdrawing (``catalog.publish_product``) are POSTs to their own
   URL, through ``product_publish`` and ``product_withdraw``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.roles import EDIT_PRODUCT, PUBLISH_PRODUCT
from townhall.backoffice.catalog_forms import ProductForm
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.catalog import selectors, services
from townhall.catalog.models import Product
from townhall.catalog.views import product_page_context
from townhall.languages import INTERFACE, NAMES

QUERY_MAX = 200


@staff_permission_required("catalog.view_product")
def product_list(request):
    query = request.GET.get("q", "")[:QUERY_MAX]
    status = request.GET.get("status", "")
    status = status if status in Product.Status.values else ""
    products = selectors.product_list_for_staff(query=query, status=status)
    language = (translation.get_language() or INTERFACE[0])[:2]
    for product in products:
        product.department_shown = (
            product.department.localized_name(language) if product.department else ""
        )
    return render(
        request,
        "backoffice/catalog/products.html",
        {
            "products": products,
            "query": query,
            "status": status,
            "statuses": Product.Status.choices,
            "may_edit": request.user.has_perm(EDIT_PRODUCT),
        },
    )


def _preview_language(request) -> str:
    chosen = request.POST.get("preview_language") or request.GET.get("preview_language")
    if chosen in INTERFACE:
        return chosen
    return (translation.get_language() or INTERFACE[0])[:2]


def _preview(product: Product, language: str) -> dict:
    """The public page's body for ``product``, rendered in ``language`` with its template."""
    context = {**product_page_context(product, language), "level": 3, "id_prefix": "preview-"}
    with translation.override(language):
        body = render_to_string("catalog/includes/product_body.html", context)
    return {"language": language, "title": context["texts"]["title"], "body": body}


@staff_permission_required(EDIT_PRODUCT)
def product_edit(request, pk: int):
    product = get_object_or_404(Product.objects.select_related("department"), pk=pk)
    language = _preview_language(request)
    shown = product  # what the preview shows: the saved product, or what was typed
    if request.method == "POST":
        # The form writes what was typed into its instance: a copy, never the saved product.
        typed = Product.objects.select_related("department").get(pk=product.pk)
        form = ProductForm(request.POST, instance=typed)
        if form.is_valid():
            if request.POST.get("action") == "save":
                try:
                    services.product_update(product=product, **form.changes())
                except ValidationError as error:  # on fields the form may not have
                    form.add_error(None, error.messages)
                else:
                    messages.success(request, _("The product is saved."))
                    return redirect("backoffice:catalog_product", pk=product.pk)
            else:
                shown = typed
    else:
        form = ProductForm(instance=product)
    return render(
        request,
        "backoffice/catalog/product.html",
        {
            "product": product,
            "form": form,
            "preview": _preview(shown, language),
            "preview_language": language,
            "languages": [(code, NAMES[code]) for code in INTERFACE],
            "may_publish": request.user.has_perm(PUBLISH_PRODUCT),
            "shows_typed": shown is not product,
        },
    )


@staff_permission_required(PUBLISH_PRODUCT)
@require_POST
def product_state(request, pk: int):
    """Publish or withdraw the product (``action``), then back to its page."""
    product = get_object_or_404(Product, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.product_publish(product=product)
            messages.success(request, _("The product is published."))
        elif action == "withdraw":
            services.product_withdraw(product=product)
            messages.success(request, _("The product is withdrawn."))
        else:
            messages.error(request, _("Choose to publish or to withdraw."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:catalog_product", pk=product.pk)
