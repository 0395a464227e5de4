from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        from chamber import reviews
        from chamber.dashboard import FIGURE, WorkItem
        from chamber.dashboard import register as register_work
        from chamber.scheduled import ScheduledJob
        from chamber.scheduled import register as register_job
        from chamber.site_setup import AppSetup
        from chamber.site_setup import register as register_setup
        from directory.features import ListingFeature
        from directory.features import register as register_feature
        from jobs import member_record, notifications, selectors, setup
        from jobs.models import JobPosting
        from membership.account.sections import Section
        from membership.account.sections import register as register_section

        register_job(ScheduledJob("send_job_closing_reminders", "Job closing reminders"))
        member_record.register_sections()  # the member's jobs on its admin record
        jobs = reviews.ReviewKind(
            key="job",
            model=JobPosting,
            label=_("job posting"),
            label_plural=_("job postings"),
            permission="jobs.publish_jobposting",
            member=lambda job: job.business.member,
            related=("business__member",),
            send_back_notice=notifications.job_sent_back,
            order=40,
        )
        reviews.register(jobs)
        register_work(
            WorkItem(
                "jobs-to-review",
                _("job postings to review"),
                lambda: reviews.waiting(jobs).count(),
                "review_queue:index",
                jobs.permission,
                query={"kind": jobs.key},
                order=23,
            )
        )
        register_work(
            WorkItem(
                "jobs-open",
                _("Open jobs on the job board"),
                selectors.open_job_count,
                "wagtailsnippets_jobs_jobposting:list",
                "jobs.change_jobposting",
                query={"open": "true"},
                kind=FIGURE,
                order=45,
            )
        )
        register_setup(
            AppSetup(
                "jobs",
                order=38,
                ensure_pages=setup.ensure_pages,
                group_permissions=setup.GROUP_PERMISSIONS,
            )
        )
        register_section(Section("jobs", _("Jobs"), "account_jobs:jobs", order=37))
        register_feature(
            ListingFeature(
                "jobs",
                filter_label=_("Only businesses hiring now"),
                filter_phrase=_("with an open job"),
                listing_ids=selectors.business_ids_with_jobs,
                section=selectors.listing_jobs_section,
            )
        )
