"""schema.org `JobPosting` JSON-LD for a job's page, as Google's job search rich results read it
(https://developers.google.com/search/docs/appearance/structured-data/job-posting): required
title, description, datePosted, hiringOrganization and jobLocation, or for a remote job
applicantLocationRequirements with jobLocationType TELECOMMUTE; recommended validThrough,
employmentType, baseSalary (only when the employer gave one) and directApply."""

import datetime

from django.utils import timezone

from jobs.models.postings import JobPosting

EMPLOYMENT_TYPES = {
    JobPosting.EmploymentType.FULL_TIME: "FULL_TIME",
    JobPosting.EmploymentType.PART_TIME: "PART_TIME",
    JobPosting.EmploymentType.CONTRACT: "CONTRACTOR",
    JobPosting.EmploymentType.TEMPORARY: "TEMPORARY",
    JobPosting.EmploymentType.INTERNSHIP: "INTERN",
    JobPosting.EmploymentType.VOLUNTEER: "VOLUNTEER",
}
END_OF_DAY = datetime.time(23, 59, 59)


def _address(business, town: str) -> dict:
    address = {"@type": "PostalAddress", "addressLocality": town or business.city}
    if town == business.city or not town:
        for key, value in (
            ("streetAddress", business.street),
            ("addressRegion", business.region),
            ("postalCode", business.postcode),
        ):
            if value:
                address[key] = value
    if business.country:
        address["addressCountry"] = business.country
    return address


def _number(value):
    return int(value) if value == int(value) else float(value)


def job_json_ld(job: JobPosting, *, url: str, business_url: str, logo_url: str = "") -> dict:
    business = job.business
    closes = datetime.datetime.combine(job.closes_on, END_OF_DAY)
    organisation = {"@type": "Organization", "name": business.name, "sameAs": business_url}
    if logo_url:
        organisation["logo"] = logo_url
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description,
        "identifier": {"@type": "PropertyValue", "name": business.name, "value": job.slug},
        "url": url,
        "datePosted": job.posted_on.isoformat(),
        "validThrough": timezone.make_aware(closes).isoformat(),
        "employmentType": EMPLOYMENT_TYPES[job.employment_type],
        "hiringOrganization": organisation,
        # Applying is on the employer's own page or by e-mail, not on the job board.
        "directApply": False,
    }
    if job.is_remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {
            "@type": "Country",
            "name": business.country or "US",
        }
    else:
        data["jobLocation"] = {"@type": "Place", "address": _address(business, job.town)}
    if job.has_salary:
        value = {"@type": "QuantitativeValue", "unitText": job.salary_unit.upper()}
        if job.salary_max is not None and job.salary_max != job.salary_min:
            value["minValue"] = _number(job.salary_min)
            value["maxValue"] = _number(job.salary_max)
        else:
            value["value"] = _number(job.salary_min)
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": job.salary_currency.upper(),
            "value": value,
        }
    return data
