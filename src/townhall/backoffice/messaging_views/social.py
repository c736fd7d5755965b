"""The social media posts (sociale media): what was posted where, and trying again or
stopping a post. Posts are the municipality's own words, not a person's data, so
these pages write no access log."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from townhall.accounts.roles import CHANGE_SOCIAL_POSTS, VIEW_SOCIAL_POSTS
from townhall.backoffice.messaging_views.access import staff_permission_required
from townhall.messaging.errors import MessagingError
from townhall.messaging.social.models import SocialPost
from townhall.messaging.social.selectors import social_post_page
from townhall.messaging.social.services import social_post_cancel, social_post_retry

PAGE = 25
RETRYABLE = (SocialPost.State.FAILED, SocialPost.State.CANCELLED)
CANCELLABLE = (SocialPost.State.QUEUED,)


@staff_permission_required(VIEW_SOCIAL_POSTS)
def social_posts(request):
    """The posts, newest first, with their state, attempts and reason."""
    return render(
        request,
        "backoffice/messaging/social_posts.html",
        {
            "posts": social_post_page(params=request.GET, size=PAGE),
            "may_change": request.user.has_perm(CHANGE_SOCIAL_POSTS),
            "retryable": RETRYABLE,
            "cancellable": CANCELLABLE,
        },
    )


@staff_permission_required(CHANGE_SOCIAL_POSTS)
@require_POST
def social_post_retry_view(request, uuid):
    post = get_object_or_404(SocialPost, uuid=uuid)
    try:
        social_post_retry(post=post, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The post is queued again."))
    return redirect("backoffice:messaging_social")


@staff_permission_required(CHANGE_SOCIAL_POSTS)
def social_post_cancel_view(request, uuid):
    """Stop a post that has not gone out yet, after a page that asks to confirm."""
    post = get_object_or_404(SocialPost, uuid=uuid)
    if request.method != "POST" or "confirming" not in request.POST:
        return render(
            request,
            "backoffice/messaging/social_cancel_confirm.html",
            {"post": post, "cancellable": post.state in CANCELLABLE},
        )
    try:
        social_post_cancel(post=post, actor=request.user)
    except MessagingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The post is cancelled."))
    return redirect("backoffice:messaging_social")
