"""Settings › API tokens: create one (shown once, never again), see and revoke one's tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from curation.models import ApiToken
from curation.services.people import tokens
from curation.access import project_view, projects_visible_to


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. the training cluster."
    )
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    project = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="All my projects",
        help_text="Restrict the token to one project.",
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_visible_to(user).order_by("name")


@project_view()
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = tokens.create_token(user=request.user, **form.cleaned_data)
        form = TokenForm(user=request.user)
    context = {"form": form, "tokens": tokens.tokens_of(request.user), "new_token": new_token}
    response = render(
        request, "curation/tokens/list.html", context, status=400 if form.errors else 200
    )
    if new_token:
        # Rendered into this one response, never stored: no cache may keep it either.
        add_never_cache_headers(response)
    return response


@project_view()
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    tokens.revoke_token(token=token)
    messages.success(request, f"Token {token.name} revoked: it no longer works.")
    return redirect("token-list")
