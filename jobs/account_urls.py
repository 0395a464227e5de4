"""/account/jobs/: the member's own job postings (included in chamber/urls.py before /account/)."""

from django.urls import path

from jobs import account

app_name = "account_jobs"

urlpatterns = [
    path("", account.job_list, name="jobs"),
    path("new/", account.job_new, name="job_new"),
    path("<slug:slug>/", account.job_edit, name="job_edit"),
    path("<slug:slug>/close/", account.job_close, name="job_close"),
    path("<slug:slug>/repost/", account.job_repost, name="job_repost"),
]
