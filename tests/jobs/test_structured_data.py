"""schema.org JobPosting JSON-LD on a job's page, with what Google's job search rich results
require (title, description, datePosted, hiringOrganization, jobLocation, or for remote jobs
applicantLocationRequirements + jobLocationType) and recommend (validThrough, employmentType,
baseSalary when given, directApply), for every employment and workplace type."""

import datetime

import pytest
from django.utils import timezone

from jobs.models import JobPosting
from tests.jobs.conftest import json_ld

pytestmark = pytest.mark.django_db

EMPLOYMENT = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "contract": "CONTRACTOR",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
    "volunteer": "VOLUNTEER",
}


def test_every_employment_type_has_its_schema_org_value():
    assert set(EMPLOYMENT) == set(JobPosting.EmploymentType.values)


@pytest.mark.parametrize(("employment_type", "expected"), EMPLOYMENT.items())
def test_employment_type(client, job_factory, employment_type, expected):
    job = job_factory(title="Baker", employment_type=employment_type)
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["employmentType"] == expected


@pytest.mark.parametrize("workplace_type", ["on_site", "hybrid"])
def test_a_job_in_a_town_has_its_job_location(client, job_factory, employer, workplace_type):
    employer.street, employer.postcode, employer.country = "1 Mill Lane", "12345", "US"
    employer.region = "OR"
    employer.save()
    job = job_factory(title="Baker", workplace_type=workplace_type, town="Riverside")
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Riverside",
            "streetAddress": "1 Mill Lane",
            "addressRegion": "OR",
            "postalCode": "12345",
            "addressCountry": "US",
        },
    }
    assert "jobLocationType" not in data and "applicantLocationRequirements" not in data


def test_a_remote_job_says_telecommute_and_where_applicants_may_live(client, job_factory):
    job = job_factory(title="Bookkeeper", workplace_type="remote", town="")
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"]["@type"] == "Country"
    assert "jobLocation" not in data


def test_the_required_and_recommended_fields(client, job_factory, employer):
    today = timezone.localdate()
    job = job_factory(
        title="Baker",
        description="<p>Bake <b>bread</b>.</p>",
        posted_on=today - datetime.timedelta(days=2),
        closes_on=today + datetime.timedelta(days=5),
    )
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Baker"
    assert data["description"] == "<p>Bake <b>bread</b>.</p>"
    assert data["datePosted"] == job.posted_on.isoformat()
    assert data["validThrough"].startswith(f"{job.closes_on.isoformat()}T23:59:59")
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": employer.name,
        "sameAs": f"http://testserver/directory/{employer.slug}/",
    }
    assert data["directApply"] is False
    assert data["url"] == f"http://testserver/jobs/{job.slug}/"
    assert "baseSalary" not in data


def test_a_salary_range_is_the_base_salary(client, job_factory):
    job = job_factory(
        title="Baker", salary_min=18, salary_max=22.5, salary_currency="usd", salary_unit="hour"
    )
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 18,
            "maxValue": 22.5,
            "unitText": "HOUR",
        },
    }


def test_a_single_salary_is_a_value(client, job_factory):
    job = job_factory(title="Baker", salary_min=42000, salary_unit="year", salary_currency="eur")
    data = json_ld(client.get(f"/jobs/{job.slug}/").text)
    assert data["baseSalary"]["currency"] == "EUR"
    assert data["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "value": 42000,
        "unitText": "YEAR",
    }


def test_markup_in_the_title_cannot_close_the_script(client, job_factory):
    job = job_factory(title="</script><script>alert(1)</script>")
    html = client.get(f"/jobs/{job.slug}/").text
    assert "<script>alert(1)" not in html
    assert json_ld(html)["title"] == "</script><script>alert(1)</script>"


def test_the_application_e_mail_is_obfuscated(client, job_factory):
    job = job_factory(title="Baker", apply_email="hiring@aspen.example")
    html = client.get(f"/jobs/{job.slug}/").text
    assert "hiring@aspen.example" not in html
    assert "hiring [at] aspen [dot] example" in html
    assert 'href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;' in html  # "mailto:", as entities
