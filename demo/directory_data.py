"""Word lists and the listing maker shared by the directory demo and `generate_listings`.

Pure Python, no database: every function takes a `random.Random`, so one seed always gives the
same directory. The words describe a fictional valley around 44.9°N, 123.0°W; phone numbers use
the 555-01xx range reserved for fiction and every domain ends in `.example`.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.text import slugify

REGION = "OR"
COUNTRY = "United States"
AREA_CODES = ("503", "971")


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    postcode: str
    weight: int  # relative share of listings

    @property
    def slug(self) -> str:
        return slugify(self.name)


TOWNS = (
    Town("Riverside", 44.9429, -123.0351, "97999", 34),
    Town("Millbrook", 44.9931, -122.9112, "97990", 17),
    Town("Cedar Falls", 44.8596, -122.8790, "97991", 17),
    Town("Lakeview", 45.0623, -123.0847, "97992", 16),
    Town("Oak Harbor", 44.8014, -123.1592, "97993", 16),
)
TOWNS_BY_NAME = {town.name: town for town in TOWNS}

STREETS = (
    "Main Street",
    "Front Street",
    "River Road",
    "Mill Street",
    "Commercial Street",
    "Oak Avenue",
    "Cedar Lane",
    "Harbor Way",
    "Lake Drive",
    "Church Street",
    "Depot Street",
    "Market Street",
    "Orchard Road",
    "Elm Street",
    "2nd Street",
    "3rd Street",
    "Industrial Way",
    "Ferry Street",
    "Willamette Avenue",
    "Pine Street",
    "Bridge Street",
    "Highway 22",
    "Valley View Road",
    "Schoolhouse Road",
)

FAMILY_NAMES = (
    "Alvarez",
    "Bennett",
    "Brennan",
    "Castillo",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fitzgerald",
    "Garcia",
    "Hartley",
    "Hoffman",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Lindqvist",
    "Lopez",
    "MacLeod",
    "Martinez",
    "Morales",
    "Nakamura",
    "Nguyen",
    "O'Brien",
    "Okafor",
    "Patel",
    "Petrov",
    "Quinn",
    "Ramirez",
    "Rossi",
    "Schmidt",
    "Sullivan",
    "Tanaka",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Walsh",
    "Whitaker",
    "Yamamoto",
    "Zimmerman",
)
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Frank",
    "Grace",
    "Hiro",
    "Isla",
    "Jamal",
    "Kate",
    "Luis",
    "Maria",
    "Nora",
    "Owen",
    "Priya",
    "Rosa",
    "Sam",
    "Tomas",
    "Wen",
)
PLACE_WORDS = (
    "Riverbend",
    "Millrace",
    "Stonebridge",
    "Willow Creek",
    "Heron Point",
    "Fernhill",
    "Twin Oaks",
    "North Fork",
    "Bluebird",
    "Maple Leaf",
    "Orchard Hill",
    "Summit",
    "Evergreen",
    "Timberline",
    "Cascade",
    "Silver Creek",
    "Old Mill",
    "Red Barn",
    "Kingfisher",
    "Osprey",
    "Meadowlark",
    "Ferry Landing",
    "Copperleaf",
    "Hilltop",
    "Sunrise",
    "Salmonberry",
    "Blue Heron",
    "Lantern",
    "Three Rivers",
    "Driftwood",
)


# Opening-hours patterns by kind of business; one variant is picked per listing.
OPENING_HOURS = {
    "shop": (
        "Mon-Sat 10am-6pm\nSun 11am-4pm",
        "Mon-Fri 9am-6pm\nSat 10am-5pm\nSun closed",
        "Tue-Sat 10am-5:30pm\nSun-Mon closed",
    ),
    "office": (
        "Mon-Fri 9am-5pm",
        "Mon-Thu 8:30am-5pm\nFri 8:30am-3pm",
        "Mon-Fri 8am-4:30pm\nEvenings by appointment",
    ),
    "trade": (
        "Mon-Fri 7:30am-4:30pm\n24/7 emergency call-outs",
        "Mon-Fri 7am-5pm\nSat by appointment",
        "Mon-Fri 8am-5pm",
    ),
    "food": (
        "Tue-Thu 11am-9pm\nFri-Sat 11am-10pm\nSun 11am-8pm",
        "Mon-Sat 11:30am-9pm\nSun closed",
        "Daily 7am-2pm (breakfast and lunch)",
    ),
    "cafe": (
        "Mon-Fri 6:30am-3pm\nSat-Sun 7:30am-2pm",
        "Daily 7am-5pm",
        "Mon-Sat 7am-4pm\nSun 8am-1pm",
    ),
    "bakery": (
        "Tue-Sat 7am-3pm\nSun 8am-1pm",
        "Mon-Sat 6:30am-2pm",
        "Wed-Sun 7am-1pm or until sold out",
    ),
    "clinic": (
        "Mon-Fri 8am-5pm\nSat 9am-12pm",
        "Mon-Thu 7:30am-6pm",
        "Mon-Fri 8:30am-5:30pm",
    ),
    "venue": (
        "Thu-Sat 5pm-11pm\nEvents by arrangement",
        "Wed-Sun 11am-5pm",
        "Open for scheduled events; office Mon-Fri 10am-4pm",
    ),
    "lodging": (
        "Reception daily 7am-10pm\nCheck-in from 3pm",
        "Check-in 3pm-8pm\nCheck-out by 11am",
        "Office daily 8am-8pm (April-October)",
    ),
}


@dataclass(frozen=True)
class Trade:
    """A second-level category and the words its listings are made of."""

    name: str
    description: str
    nouns: tuple[str, ...]  # what ends a business name: "Bakery", "Bakehouse", ...
    services: tuple[str, ...]  # phrases for summaries and descriptions
    keywords: tuple[str, ...]
    hours: str  # a key of OPENING_HOURS
    weight: int = 2  # how common such businesses are
    family_name_style: str = "{family} {noun}"
    related: tuple[str, ...] = ()  # trades a business of this one plausibly also lists under

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Sector:
    """A top-level category."""

    name: str
    description: str
    trades: tuple[Trade, ...] = field(default_factory=tuple)

    @property
    def slug(self) -> str:
        return slugify(self.name)


SECTORS = (
    Sector(
        "Food & Drink",
        "Places to eat and drink, and the people who bake, brew and cater for the valley.",
        (
            Trade(
                "Bakeries",
                "Bread, cakes and pastries baked fresh every morning.",
                ("Bakery", "Bakehouse", "Bread Co.", "Patisserie"),
                (
                    "sourdough loaves",
                    "celebration cakes",
                    "morning pastries",
                    "gluten-free bakes",
                    "wedding cakes",
                    "cinnamon rolls",
                ),
                ("bread", "sourdough", "cakes", "pastries", "gluten-free", "croissants"),
                "bakery",
                related=("Cafés & Coffee", "Catering"),
            ),
            Trade(
                "Cafés & Coffee",
                "Coffee shops, tea rooms and roasters for a cup and a catch-up.",
                ("Coffee", "Café", "Coffee Roasters", "Tea Room"),
                (
                    "single-origin espresso",
                    "pour-over coffee",
                    "homemade soups",
                    "loose-leaf teas",
                    "breakfast sandwiches",
                    "beans roasted on site",
                ),
                ("coffee", "espresso", "tea", "breakfast", "wifi", "roastery"),
                "cafe",
                weight=3,
                related=("Bakeries",),
            ),
            Trade(
                "Restaurants",
                "Dinners out, family lunches and everything from tacos to tasting menus.",
                ("Kitchen", "Grill", "Bistro", "Diner", "Taqueria", "Trattoria"),
                (
                    "wood-fired pizza",
                    "seasonal menus",
                    "fresh river trout",
                    "hand-made tortillas",
                    "Sunday brunch",
                    "vegetarian dishes",
                    "private dining",
                    "takeout and delivery",
                ),
                ("restaurant", "dinner", "lunch", "brunch", "takeout", "vegetarian", "pizza"),
                "food",
                weight=4,
                related=("Catering", "Breweries & Wineries"),
            ),
            Trade(
                "Breweries & Wineries",
                "Craft beer, cider and wine made from valley hops and grapes.",
                ("Brewing Co.", "Cellars", "Vineyards", "Cider House", "Taproom"),
                (
                    "pinot noir tastings",
                    "small-batch IPAs",
                    "dry farmhouse cider",
                    "vineyard tours",
                    "a dog-friendly beer garden",
                    "growler fills",
                ),
                ("beer", "wine", "cider", "tasting room", "pinot noir", "brewery"),
                "venue",
                related=("Restaurants", "Event Venues"),
            ),
            Trade(
                "Catering",
                "Caterers and food trucks for weddings, offices and events.",
                ("Catering", "Events Kitchen", "Food Truck"),
                (
                    "wedding menus",
                    "office lunches",
                    "barbecue for a crowd",
                    "canapés",
                    "dietary-friendly buffets",
                ),
                ("catering", "weddings", "events", "food truck", "buffet"),
                "office",
                related=("Restaurants", "Event Venues"),
            ),
        ),
    ),
    Sector(
        "Home & Garden",
        "Trades and services that build, fix and look after homes and gardens.",
        (
            Trade(
                "Plumbing",
                "Licensed plumbers for repairs, installations and emergencies.",
                ("Plumbing", "Plumbing & Heating", "Plumbing & Drain"),
                (
                    "leak repairs",
                    "water heater installation",
                    "drain cleaning",
                    "bathroom refits",
                    "boiler servicing",
                    "emergency call-outs",
                ),
                ("plumber", "leaks", "water heaters", "drains", "boiler repair", "emergency"),
                "trade",
                weight=3,
                related=("Builders",),
            ),
            Trade(
                "Electricians",
                "Electrical contractors for homes, farms and businesses.",
                ("Electric", "Electrical Services", "Power & Light"),
                (
                    "panel upgrades",
                    "EV charger installation",
                    "rewiring",
                    "solar hook-ups",
                    "lighting design",
                    "safety inspections",
                ),
                ("electrician", "wiring", "EV charger", "solar", "lighting", "inspections"),
                "trade",
                weight=3,
                related=("Builders",),
            ),
            Trade(
                "Landscaping",
                "Garden design, lawn care, tree work and irrigation.",
                ("Landscaping", "Gardens", "Lawn & Garden", "Tree Care"),
                (
                    "garden design",
                    "lawn care",
                    "tree pruning",
                    "irrigation systems",
                    "native plantings",
                    "stone patios",
                ),
                ("landscaping", "gardening", "lawn care", "trees", "irrigation", "patios"),
                "trade",
                related=("Builders",),
            ),
            Trade(
                "Roofing",
                "Roofers and gutter specialists ready for the valley's rain.",
                ("Roofing", "Roofing & Gutters", "Roof Repair"),
                (
                    "roof replacement",
                    "moss removal",
                    "gutter cleaning",
                    "skylights",
                    "storm damage repairs",
                ),
                ("roofing", "roofer", "gutters", "skylights", "storm damage"),
                "trade",
                related=("Builders",),
            ),
            Trade(
                "Builders",
                "General contractors, carpenters and remodelers.",
                ("Construction", "Builders", "Carpentry", "Homes"),
                (
                    "home additions",
                    "kitchen remodels",
                    "custom decks",
                    "barn restoration",
                    "accessible homes",
                    "new builds",
                ),
                ("builder", "contractor", "remodeling", "carpentry", "decks", "renovation"),
                "trade",
                weight=3,
                related=("Roofing", "Electricians"),
            ),
        ),
    ),
    Sector(
        "Health & Wellness",
        "Clinics, practitioners and places to stay fit and well.",
        (
            Trade(
                "Dentists",
                "Family dentists, orthodontists and dental hygienists.",
                ("Dental", "Family Dental", "Dental Care", "Orthodontics"),
                (
                    "check-ups and cleaning",
                    "children's dentistry",
                    "clear aligners",
                    "emergency appointments",
                    "teeth whitening",
                ),
                ("dentist", "teeth cleaning", "orthodontics", "children's dentistry"),
                "clinic",
            ),
            Trade(
                "Doctors & Clinics",
                "Family practices, urgent care and specialist clinics.",
                ("Family Medicine", "Health Clinic", "Medical Group", "Urgent Care"),
                (
                    "same-day appointments",
                    "vaccinations",
                    "sports medicine",
                    "women's health",
                    "telehealth visits",
                ),
                ("doctor", "clinic", "urgent care", "vaccinations", "family medicine"),
                "clinic",
                related=("Pharmacies",),
            ),
            Trade(
                "Pharmacies",
                "Community pharmacies, chemists and health stores.",
                ("Pharmacy", "Drug Store", "Apothecary"),
                (
                    "prescriptions",
                    "flu shots",
                    "medication reviews",
                    "home delivery",
                    "natural remedies",
                ),
                ("pharmacy", "prescriptions", "flu shots", "vitamins"),
                "shop",
                weight=1,
                related=("Doctors & Clinics",),
            ),
            Trade(
                "Fitness & Yoga",
                "Gyms, yoga studios, climbing walls and personal trainers.",
                ("Fitness", "Yoga Studio", "Athletic Club", "CrossFit", "Pilates"),
                (
                    "yoga classes",
                    "personal training",
                    "spin classes",
                    "strength coaching",
                    "classes for seniors",
                ),
                ("gym", "yoga", "pilates", "personal trainer", "fitness classes"),
                "clinic",
                related=("Spas & Massage",),
            ),
            Trade(
                "Spas & Massage",
                "Massage therapists, day spas and physiotherapists.",
                ("Massage", "Day Spa", "Physical Therapy", "Wellness"),
                (
                    "deep-tissue massage",
                    "physical therapy",
                    "facials",
                    "injury rehabilitation",
                    "gift vouchers",
                ),
                ("massage", "spa", "physiotherapy", "wellness", "facials"),
                "clinic",
                related=("Fitness & Yoga",),
            ),
        ),
    ),
    Sector(
        "Professional Services",
        "Advisers, specialists and agencies that keep businesses running.",
        (
            Trade(
                "Accountants",
                "Bookkeepers, tax preparers and certified public accountants.",
                ("Accounting", "CPAs", "Bookkeeping", "Tax Services"),
                (
                    "tax returns",
                    "bookkeeping",
                    "payroll",
                    "business planning",
                    "farm accounts",
                    "audits",
                ),
                ("accountant", "CPA", "taxes", "bookkeeping", "payroll"),
                "office",
                related=("Financial Planners",),
            ),
            Trade(
                "Law Firms",
                "Attorneys for families, property and business.",
                ("Law", "Law Group", "Attorneys", "Legal"),
                (
                    "wills and estates",
                    "real-estate closings",
                    "business formation",
                    "employment law",
                    "family law",
                ),
                ("lawyer", "attorney", "wills", "estates", "business law"),
                "office",
                family_name_style="{family} & {family2} {noun}",
            ),
            Trade(
                "Insurance",
                "Agents and brokers for home, auto, farm and business cover.",
                ("Insurance", "Insurance Agency", "Insurance Brokers"),
                (
                    "home and auto policies",
                    "farm insurance",
                    "commercial liability",
                    "life insurance",
                    "claims help",
                ),
                ("insurance", "auto insurance", "home insurance", "business insurance"),
                "office",
                related=("Financial Planners",),
            ),
            Trade(
                "Marketing & Design",
                "Designers, printers, photographers and marketing agencies.",
                ("Design", "Creative", "Print & Sign", "Media", "Studio"),
                (
                    "brand identity",
                    "website design",
                    "signs and banners",
                    "product photography",
                    "social media management",
                ),
                ("marketing", "graphic design", "websites", "printing", "photography"),
                "office",
                related=("IT Services",),
            ),
            Trade(
                "IT Services",
                "Computer repair, managed IT and software for local businesses.",
                ("IT", "Computer Repair", "Tech", "Networks"),
                (
                    "managed IT",
                    "computer repair",
                    "network setup",
                    "data backup",
                    "cybersecurity training",
                ),
                ("IT support", "computer repair", "networks", "cybersecurity", "backup"),
                "office",
                related=("Marketing & Design",),
            ),
        ),
    ),
    Sector(
        "Retail",
        "Shops on the valley's main streets, from books to boat parts.",
        (
            Trade(
                "Bookstores",
                "New and used books, comics and stationery.",
                ("Books", "Bookshop", "Book Exchange", "Comics & Games"),
                (
                    "new and used books",
                    "children's books",
                    "author readings",
                    "a monthly book club",
                    "special orders",
                ),
                ("books", "used books", "children's books", "book club", "stationery"),
                "shop",
                weight=1,
                related=("Cafés & Coffee", "Florists & Gifts"),
            ),
            Trade(
                "Clothing & Shoes",
                "Boutiques, outfitters and shoe shops.",
                ("Boutique", "Outfitters", "Shoes", "Clothing Co."),
                (
                    "locally made clothing",
                    "work boots",
                    "outdoor wear",
                    "alterations",
                    "vintage finds",
                ),
                ("clothing", "shoes", "boutique", "boots", "alterations"),
                "shop",
                related=("Outdoor & Marine",),
            ),
            Trade(
                "Hardware",
                "Hardware stores, feed and farm supply.",
                ("Hardware", "Farm & Feed", "Supply", "Tool Rental"),
                (
                    "tools and fasteners",
                    "paint mixing",
                    "key cutting",
                    "tool rental",
                    "animal feed",
                ),
                ("hardware", "tools", "paint", "keys", "farm supply"),
                "shop",
                related=("Outdoor & Marine",),
            ),
            Trade(
                "Florists & Gifts",
                "Florists, gift shops and local makers.",
                ("Flowers", "Florist", "Gifts", "Makers Market"),
                (
                    "wedding flowers",
                    "same-day bouquets",
                    "local crafts",
                    "greeting cards",
                    "potted plants",
                ),
                ("florist", "flowers", "gifts", "local crafts", "bouquets"),
                "shop",
                related=("Event Venues",),
            ),
            Trade(
                "Outdoor & Marine",
                "Boating, fishing, camping and cycling gear.",
                ("Outdoors", "Marine", "Bike Shop", "Fly Shop", "Kayak Co."),
                (
                    "fishing tackle",
                    "kayak rentals",
                    "bike repairs",
                    "marine electronics",
                    "camping gear",
                ),
                ("fishing", "kayaks", "bikes", "camping", "boat parts"),
                "shop",
                related=("Hardware",),
            ),
        ),
    ),
    Sector(
        "Automotive",
        "Garages, dealers and everything that keeps the valley moving.",
        (
            Trade(
                "Auto Repair",
                "Mechanics, body shops and service centers.",
                ("Auto Repair", "Garage", "Automotive", "Collision Center"),
                (
                    "brake repairs",
                    "oil changes",
                    "diagnostics",
                    "collision repair",
                    "hybrid servicing",
                ),
                ("mechanic", "auto repair", "brakes", "oil change", "body shop"),
                "trade",
                weight=3,
                related=("Tires & Glass",),
            ),
            Trade(
                "Car Dealers",
                "New and used car, truck and RV dealers.",
                ("Motors", "Auto Sales", "Ford", "RV Center"),
                ("used cars", "trade-ins", "financing", "electric vehicles", "RV sales"),
                ("car dealer", "used cars", "trucks", "RVs", "financing"),
                "shop",
                weight=1,
                related=("Auto Repair",),
            ),
            Trade(
                "Tires & Glass",
                "Tire shops, windshield repair and detailing.",
                ("Tire", "Tire & Wheel", "Auto Glass", "Detailing"),
                (
                    "winter tires",
                    "wheel alignment",
                    "windshield replacement",
                    "detailing",
                    "mobile repairs",
                ),
                ("tires", "windshields", "alignment", "detailing"),
                "trade",
                weight=1,
                related=("Auto Repair",),
            ),
        ),
    ),
    Sector(
        "Arts & Entertainment",
        "Galleries, stages and places to celebrate.",
        (
            Trade(
                "Galleries",
                "Art galleries, studios and framers.",
                ("Gallery", "Art Studio", "Framing", "Pottery"),
                (
                    "local artists",
                    "custom framing",
                    "pottery classes",
                    "monthly art walks",
                    "commissions",
                ),
                ("art", "gallery", "framing", "pottery", "classes"),
                "venue",
                weight=1,
                related=("Florists & Gifts",),
            ),
            Trade(
                "Music & Theatre",
                "Live music, theatre companies and music teachers.",
                ("Playhouse", "Music", "Theatre Company", "Sound"),
                (
                    "live music",
                    "community theatre",
                    "music lessons",
                    "instrument repairs",
                    "summer concerts",
                ),
                ("music", "theatre", "concerts", "lessons", "live music"),
                "venue",
                weight=1,
                related=("Event Venues",),
            ),
            Trade(
                "Event Venues",
                "Barns, halls and gardens for weddings and gatherings.",
                ("Event Barn", "Hall", "Events", "Gardens & Venue"),
                (
                    "weddings",
                    "corporate retreats",
                    "reunions",
                    "outdoor ceremonies",
                    "holiday parties",
                ),
                ("venue", "weddings", "events", "parties", "meeting rooms"),
                "venue",
                weight=1,
                related=("Catering",),
            ),
        ),
    ),
    Sector(
        "Hospitality & Lodging",
        "Places to stay for visitors, wedding guests and travelling crews.",
        (
            Trade(
                "Hotels & Inns",
                "Hotels, inns and motels in town and by the river.",
                ("Inn", "Hotel", "Lodge", "Motor Inn"),
                (
                    "river-view rooms",
                    "free breakfast",
                    "meeting rooms",
                    "pet-friendly rooms",
                    "long-stay rates",
                ),
                ("hotel", "inn", "lodging", "rooms", "pet-friendly"),
                "lodging",
                related=("Restaurants", "Event Venues"),
            ),
            Trade(
                "Bed & Breakfasts",
                "Guest houses and farm stays with breakfast included.",
                ("Bed & Breakfast", "Guest House", "Farm Stay", "Cottages"),
                (
                    "farm breakfasts",
                    "garden suites",
                    "romantic getaways",
                    "quiet countryside",
                    "wine country tours",
                ),
                ("B&B", "guest house", "farm stay", "breakfast", "getaway"),
                "lodging",
                weight=1,
                related=("Breweries & Wineries",),
            ),
            Trade(
                "Campgrounds & RV Parks",
                "Campgrounds, RV parks and cabins near the rivers and lakes.",
                ("RV Park", "Campground", "Cabins", "Marina & RV"),
                (
                    "riverside campsites",
                    "full hook-ups",
                    "rustic cabins",
                    "boat launch access",
                    "hot showers",
                ),
                ("camping", "RV park", "cabins", "campsites", "boat launch"),
                "lodging",
                weight=1,
                related=("Outdoor & Marine",),
            ),
        ),
    ),
    Sector(
        "Nonprofits & Community",
        "Charities, schools, clubs and the organisations that hold the valley together.",
        (
            Trade(
                "Charities",
                "Food banks, shelters, foundations and community charities.",
                ("Food Bank", "Foundation", "Community Fund", "Habitat Project"),
                (
                    "food boxes",
                    "volunteer days",
                    "youth programmes",
                    "emergency relief",
                    "community grants",
                ),
                ("charity", "volunteering", "donations", "food bank", "nonprofit"),
                "office",
                weight=1,
                related=("Clubs & Associations",),
            ),
            Trade(
                "Schools & Tutoring",
                "Preschools, tutors, driving schools and adult classes.",
                ("Learning Center", "Academy", "Preschool", "Driving School", "Tutoring"),
                (
                    "after-school tutoring",
                    "preschool places",
                    "driving lessons",
                    "adult evening classes",
                    "summer camps",
                ),
                ("tutoring", "preschool", "classes", "summer camp", "driving lessons"),
                "office",
                weight=1,
                related=("Charities",),
            ),
            Trade(
                "Clubs & Associations",
                "Service clubs, sports clubs and business associations.",
                ("Rotary Club", "Sports Club", "Garden Club", "Historical Society"),
                (
                    "monthly meetings",
                    "youth sports",
                    "heritage walks",
                    "fundraising dinners",
                    "mentoring",
                ),
                ("club", "association", "volunteering", "sports", "heritage"),
                "venue",
                weight=1,
                related=("Charities",),
            ),
        ),
    ),
    Sector(
        "Real Estate & Finance",
        "Banks, credit unions, agents and advisers.",
        (
            Trade(
                "Banks & Credit Unions",
                "Local banks and credit unions for people and businesses.",
                ("Credit Union", "Community Bank", "Savings Bank"),
                (
                    "business loans",
                    "home mortgages",
                    "checking accounts",
                    "farm lending",
                    "financial literacy classes",
                ),
                ("bank", "credit union", "loans", "mortgages", "checking"),
                "office",
                weight=1,
                related=("Financial Planners",),
            ),
            Trade(
                "Real Estate",
                "Real-estate agents, property managers and appraisers.",
                ("Realty", "Real Estate", "Property Management", "Land & Home"),
                (
                    "home sales",
                    "farm and acreage",
                    "rentals",
                    "property management",
                    "commercial leasing",
                ),
                ("real estate", "realtor", "homes for sale", "rentals", "property management"),
                "office",
                related=("Insurance",),
            ),
            Trade(
                "Financial Planners",
                "Financial planners, wealth managers and retirement advisers.",
                ("Financial", "Wealth Partners", "Retirement Planning", "Advisors"),
                (
                    "retirement planning",
                    "college savings",
                    "succession planning",
                    "investment advice",
                ),
                ("financial planner", "retirement", "investments", "wealth management"),
                "office",
                weight=1,
                related=("Accountants", "Insurance"),
            ),
        ),
    ),
)
# What people type for a trade that its name doesn't say (Category.synonyms): the singular of a
# plural name and the word for the person ("plumber" for Plumbing), so the search finds them.
SYNONYMS = {
    "Bakeries": "bakery, baker, bakers",
    "Cafés & Coffee": "cafe, coffee shop, tea room",
    "Restaurants": "restaurant, diner, eatery",
    "Breweries & Wineries": "brewery, winery, taproom, beer, wine",
    "Catering": "caterer, caterers",
    "Plumbing": "plumber, plumbers",
    "Electricians": "electrician, electrical",
    "Landscaping": "landscaper, landscapers, gardener",
    "Roofing": "roofer, roofers",
    "Builders": "builder, contractor, contractors, construction",
    "Dentists": "dentist, dental",
    "Doctors & Clinics": "doctor, clinic, physician",
    "Pharmacies": "pharmacy, chemist, drugstore",
    "Fitness & Yoga": "gym, fitness, yoga studio",
    "Spas & Massage": "spa, massage therapist",
    "Accountants": "accountant, accounting, bookkeeper, tax",
    "Law Firms": "lawyer, lawyers, attorney, attorneys, law firm",
    "Insurance": "insurer, insurance agent",
    "Marketing & Design": "marketing agency, designer, design",
    "IT Services": "computer repair, IT support, web developer",
    "Bookstores": "bookstore, bookshop, books",
    "Clothing & Shoes": "clothes, boutique, shoe store",
    "Hardware": "hardware store",
    "Florists & Gifts": "florist, flowers, gift shop",
    "Auto Repair": "mechanic, mechanics, garage, car repair",
    "Car Dealers": "car dealer, car dealership",
    "Tires & Glass": "tire, tyres, windshield",
    "Galleries": "gallery, art gallery",
    "Music & Theatre": "theater, concert, music",
    "Event Venues": "venue, wedding venue",
    "Hotels & Inns": "hotel, inn, motel, lodging",
    "Bed & Breakfasts": "bed and breakfast, B&B, guest house",
    "Campgrounds & RV Parks": "campground, campsite, camping, RV park",
    "Charities": "charity, nonprofit, non-profit",
    "Schools & Tutoring": "school, tutor, tutors",
    "Clubs & Associations": "club, association",
    "Banks & Credit Unions": "bank, credit union",
    "Real Estate": "realtor, real estate agent, estate agent",
    "Financial Planners": "financial planner, financial adviser, financial advisor",
}

TRADES = tuple(trade for sector in SECTORS for trade in sector.trades)
TRADES_BY_NAME = {trade.name: trade for trade in TRADES}
SECTOR_OF = {trade.name: sector for sector in SECTORS for trade in sector.trades}
_TRADE_WEIGHTS = [trade.weight for trade in TRADES]
_TOWN_WEIGHTS = [town.weight for town in TOWNS]

SUMMARY_TEMPLATES = (
    "{S1}, {s2} and {s3} in {town}.",
    "{S1} and {s2} for {town} and the valley.",
    "Serving {town} from {street}: {s1}, {s2} and more.",
    "{S1}, {s2} and friendly advice since {year}.",
)
INTRO_TEMPLATES = (
    "{name} has served {town} since {year}. We offer {s1}, {s2} and {s3}.",
    "Founded in {year} by {first} {family}, {name} specialises in {s1} and {s2}.",
    "Based on {street} in {town}, {name} is known for {s1}, {s2} and {s3}.",
    "From {s1} to {s3}, {name} is the {town} team people call first.",
)
DETAIL_TEMPLATES = (
    "We work with households and businesses across {town}, {other_town} and the rest of the "
    "valley, and we are always happy to talk through a project.",
    "Ask us about <b>{s2}</b>; quotes are free and we reply within one working day.",
    "Find us {landmark}. Parking is available {parking}.",
    "Our team of {staff} is proud to be part of the Riverside Chamber of Commerce.",
    "New this year: <i>{s3}</i>. Follow us for news and seasonal offers.",
)
LANDMARKS = (
    "next to the post office",
    "across from the courthouse",
    "by the old railway depot",
    "two doors down from the library",
    "near the river bridge",
    "opposite the farmers' market",
)
PARKING = (
    "on the street",
    "behind the building",
    "in the public lot on Church Street",
    "for customers right outside",
)
DRAFT_NOTES = (
    "Now open on Sundays, too.",
    "New owners from this spring, same friendly service.",
    "Moved round the corner: see the new address.",
)


@dataclass
class ListingData:
    """Everything about one listing except its member: field values for a Business."""

    name: str
    town: Town
    trades: list[Trade]
    street: str
    summary: str
    description: str
    keywords: str
    phone: str
    phone_visibility: str
    email: str
    email_visibility: str
    website: str
    opening_hours: str
    latitude: Decimal
    longitude: Decimal
    facebook_url: str = ""
    instagram_url: str = ""
    linkedin_url: str = ""
    x_url: str = ""

    def model_fields(self) -> dict:
        """Keyword arguments for Business(...), categories and member excepted."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "keywords": self.keywords,
            "street": self.street,
            "city": self.town.name,
            "region": REGION,
            "postcode": self.town.postcode,
            "country": COUNTRY,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "phone": self.phone,
            "phone_visibility": self.phone_visibility,
            "email": self.email,
            "email_visibility": self.email_visibility,
            "website": self.website,
            "facebook_url": self.facebook_url,
            "instagram_url": self.instagram_url,
            "linkedin_url": self.linkedin_url,
            "x_url": self.x_url,
            "opening_hours": self.opening_hours,
        }


def pick_town(rng: random.Random) -> Town:
    return rng.choices(TOWNS, weights=_TOWN_WEIGHTS)[0]


def pick_trades(rng: random.Random, *, second_chance: float = 0.3) -> list[Trade]:
    """One trade, sometimes with a related second (a bakery-café, a builder who also roofs)."""
    first = rng.choices(TRADES, weights=_TRADE_WEIGHTS)[0]
    if first.related and rng.random() < second_chance:
        return [first, TRADES_BY_NAME[rng.choice(first.related)]]
    return [first]


def business_name(rng: random.Random, *, trade: Trade, town: Town) -> tuple[str, str]:
    """A name for a business of this trade, and the family it is named after ("" if none)."""
    noun = rng.choice(trade.nouns)
    style = rng.random()
    if style < 0.3:
        return f"{rng.choice(PLACE_WORDS)} {noun}", ""
    if style < 0.5:
        return f"{town.name} {noun}", ""
    family, family2 = rng.sample(FAMILY_NAMES, 2)
    if style < 0.85 or family.endswith("s"):
        return trade.family_name_style.format(family=family, family2=family2, noun=noun), family
    if noun.endswith("."):
        return f"{family} & Sons {noun}", family
    return f"{family}'s {noun}", family


def _domain(name: str) -> str:
    return slugify(name.replace("&", "and")).replace("-", "")[:40] or "business"


def _coordinate(centre: float, spread: float, rng: random.Random) -> Decimal:
    return Decimal(f"{centre + rng.gauss(0, spread):.6f}")


def phone_number(rng: random.Random) -> str:
    return f"({rng.choice(AREA_CODES)}) 555-01{rng.randrange(100):02d}"


def make_listing(
    rng: random.Random,
    *,
    name: str,
    town: Town,
    trades: list[Trade],
    keywords: str = "",
    founded: int | None = None,
    family: str = "",
) -> ListingData:
    """A plausible listing for a business of these trades in this town.

    `family`: the family the business is named after, who then founded it.
    """
    trade = trades[0]
    services = list(trade.services)
    rng.shuffle(services)
    s1, s2, s3 = services[:3]
    year = founded or rng.randint(1948, 2023)
    street = f"{rng.randint(1, 2400)} {rng.choice(STREETS)}"
    words = {
        "name": name,
        "town": town.name,
        "other_town": rng.choice([other.name for other in TOWNS if other is not town]),
        "street": street.split(" ", 1)[1],
        "year": year,
        "first": rng.choice(FIRST_NAMES),
        "family": family or rng.choice(FAMILY_NAMES),
        "s1": s1,
        "s2": s2,
        "s3": s3,
        "S1": s1[0].upper() + s1[1:],
        "landmark": rng.choice(LANDMARKS),
        "parking": rng.choice(PARKING),
        "staff": rng.choice(("two", "four", "six", "eight", "twelve", "twenty")),
    }
    summary = rng.choice(SUMMARY_TEMPLATES).format(**words)
    # The description is rich text (HTML): names such as "Walsh & Patel Law" are escaped.
    html_words = {
        key: escape(value) if isinstance(value, str) else value for key, value in words.items()
    }
    intro = rng.choice(INTRO_TEMPLATES).format(**html_words)
    detail = rng.choice(DETAIL_TEMPLATES).format(**html_words)
    description = f"<p>{intro}</p><p>{detail}</p>"
    if not keywords:
        chosen = rng.sample(trade.keywords, k=min(len(trade.keywords), rng.randint(3, 4)))
        chosen += [rng.choice(other.keywords) for other in trades[1:]]
        keywords = ", ".join(dict.fromkeys(chosen))
    domain = _domain(name)
    has_hours = rng.random() < 0.85
    social = rng.random()
    listing = ListingData(
        name=name,
        town=town,
        trades=trades,
        street=street,
        summary=summary[:240],
        description=description,
        keywords=keywords,
        phone=phone_number(rng),
        phone_visibility="public" if rng.random() < 0.8 else "members",
        email=f"{rng.choice(('info', 'hello', 'office', 'contact'))}@{domain}.example",
        email_visibility="members" if rng.random() < 0.6 else "public",
        website=f"https://www.{domain}.example/",
        opening_hours=rng.choice(OPENING_HOURS[trade.hours]) if has_hours else "",
        latitude=_coordinate(town.latitude, 0.012, rng),
        longitude=_coordinate(town.longitude, 0.016, rng),
    )
    if social < 0.45:
        listing.facebook_url = f"https://facebook.example/{domain}"
    if social < 0.3:
        listing.instagram_url = f"https://instagram.example/{domain}"
    if social < 0.12 or (social < 0.4 and SECTOR_OF[trade.name].name == "Professional Services"):
        listing.linkedin_url = f"https://linkedin.example/company/{domain}"
    if social < 0.05:
        listing.x_url = f"https://x.example/{domain}"
    return listing


_JOINED_FROM = datetime.date(1985, 1, 1).toordinal()
_JOINED_UNTIL = datetime.date(2025, 6, 30).toordinal()


def random_joined_on(rng: random.Random) -> datetime.date:
    """A membership start date; fixed bounds, so a seed gives the same dates on any day."""
    return datetime.date.fromordinal(rng.randint(_JOINED_FROM, _JOINED_UNTIL))
