"""Pages of the workbench. Views parse input, call one service/query, render."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render


def healthz(request):
    return JsonResponse({"ok": True})


@login_required
def home(request):
    return render(request, "web/home.html", {})


@login_required
def region_tree(request):
    return render(request, "web/home.html", {})


@login_required
def people(request):
    return render(request, "web/home.html", {})
