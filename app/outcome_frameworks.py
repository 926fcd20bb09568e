"""Outcome frameworks (Children and Young People's Promise, QLP youth strand) encoded as data."""

# Wording is copied from the source documents: spelling, punctuation and curly quotes are kept;
# only list markers are dropped and runs of whitespace collapsed to one space.

FRAMEWORKS = (
    {
        "code": "promise",
        "name": "Children and Young People’s Promise in Public Libraries",
        "source": (
            "“Children and Young People’s Promise in Public Libraries”, which “sets out the "
            "experience children and young people should have through public library services”."
        ),
        "groups": (
            {
                "code": "promise.vision",
                "title": "Vision",
                "description": "",
                "outcomes": (
                    {
                        "code": "promise.vision.1",
                        "wording": (
                            "Every child and young person visiting a public library is inspired "
                            "by an exciting accessible environment which makes reading for "
                            "pleasure irresistible."
                        ),
                    },
                    {
                        "code": "promise.vision.2",
                        "wording": (
                            "They have the opportunity to engage with imaginative digital "
                            "opportunities through public libraries, building their skills, "
                            "knowledge and creativity."
                        ),
                    },
                    {
                        "code": "promise.vision.3",
                        "wording": (
                            "They will find a range of inclusive and diverse fiction and "
                            "non-fiction books and other information resources to support "
                            "growing confidence in literacy and formal and informal learning."
                        ),
                    },
                    {
                        "code": "promise.vision.4",
                        "wording": (
                            "They are able to take part in a wide range of literacy and cultural "
                            "experiences including reading and book-based activities."
                        ),
                    },
                    {
                        "code": "promise.vision.5",
                        "wording": (
                            "They are actively involved in decisions about service developments "
                            "and are offered opportunities to volunteer."
                        ),
                    },
                    {
                        "code": "promise.vision.6",
                        "wording": (
                            "They are supported through library services and activities to "
                            "improve their health and wellbeing"
                        ),
                    },
                ),
            },
            {
                "code": "promise.journey.1",
                "title": "Pre-natal to birth",
                "description": (
                    "Involvement in pre-natal projects and programmes. Inspiring parents to read "
                    "with their baby"
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.1.1",
                        "wording": "Enhancing life outcomes for children aged 0-2",
                    },
                    {
                        "code": "promise.journey.1.2",
                        "wording": (
                            "Supporting attachment, resilience, emotional health and wellbeing, "
                            "speech and language"
                        ),
                    },
                ),
            },
            {
                "code": "promise.journey.2",
                "title": "Pre-school",
                "description": (
                    "Inspiring parents to read and rhyme with their child and form a lifelong "
                    "reading habit, Bookstart. Giving parents space and time to spend time "
                    "bonding with babies and building parental confidence"
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.2.1",
                        "wording": "Enhancing life outcomes for children aged 0-2",
                    },
                    {
                        "code": "promise.journey.2.2",
                        "wording": (
                            "Supporting attachment, resilience, emotional health and wellbeing "
                            "building resilience and character, speech, language communication "
                            "development; early literacy and school readiness"
                        ),
                    },
                ),
            },
            {
                "code": "promise.journey.3",
                "title": "Transition to primary school",
                "description": (
                    "Partnerships with schools, including class visits to libraries and digital "
                    "offer"
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.3.1",
                        "wording": (
                            "Supporting literacy and language development, reducing the literacy "
                            "gap in poverty hotspots."
                        ),
                    },
                    {
                        "code": "promise.journey.3.2",
                        "wording": "Tackling rural isolation",
                    },
                    {
                        "code": "promise.journey.3.3",
                        "wording": "Providing opportunities for looked after children/young carers",
                    },
                ),
            },
            {
                "code": "promise.journey.4",
                "title": "Out of school engagement with primary aged children",
                "description": (
                    "Children have the opportunity to take part in the Summer Reading Challenge "
                    "and other reading, learning, digital and cultural activities throughout the "
                    "year"
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.4.1",
                        "wording": (
                            "Supporting literacy and language development raising aspiration"
                        ),
                    },
                    {
                        "code": "promise.journey.4.2",
                        "wording": "Closing the literacy gap in poverty hotspots.",
                    },
                    {
                        "code": "promise.journey.4.3",
                        "wording": "Tackling rural isolation",
                    },
                    {
                        "code": "promise.journey.4.4",
                        "wording": "Providing opportunities for looked after children/young carers",
                    },
                    {
                        "code": "promise.journey.4.5",
                        "wording": "Building community and family cohesion.",
                    },
                    {
                        "code": "promise.journey.4.6",
                        "wording": "Reducing digital inequalities",
                    },
                    {
                        "code": "promise.journey.4.7",
                        "wording": (
                            "Digital fluency –(citizenship, STEM Agenda and supporting combating "
                            "extremism)"
                        ),
                    },
                    {
                        "code": "promise.journey.4.8",
                        "wording": "Supporting emotional and mental health and wellbeing",
                    },
                ),
            },
            {
                "code": "promise.journey.5",
                "title": "Transition to secondary school",
                "description": (
                    "Supporting learning including new digital resource. Helping nurture a "
                    "lifelong love of learning that may impact positively on exam success. "
                    "Providing an opportunity for young people to engage with libraries via a "
                    "digital platform."
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.5.1",
                        "wording": (
                            "Need for young people to improve their technical skills – STEM "
                            "agenda National Curriculum - IT curriculum / digital fluency"
                        ),
                    },
                    {
                        "code": "promise.journey.5.2",
                        "wording": "Tackling rural isolation",
                    },
                    {
                        "code": "promise.journey.5.3",
                        "wording": (
                            "Contributes to raising young people’s aspiration and achievement, "
                            "supporting GCSE /A level success and has a long term economic impact"
                        ),
                    },
                    {
                        "code": "promise.journey.5.4",
                        "wording": "Supporting transition",
                    },
                    {
                        "code": "promise.journey.5.5",
                        "wording": "Character education",
                    },
                ),
            },
            {
                "code": "promise.journey.6",
                "title": "Out of school engagement with secondary school children",
                "description": (
                    "Participation in volunteering opportunities and accreditation, Reading Hack "
                    "activities."
                ),
                "outcomes": (
                    {
                        "code": "promise.journey.6.1",
                        "wording": (
                            "Boosting self-esteem and aspiration, increasing confidence, "
                            "improving employability skills and reducing NEETS"
                        ),
                    },
                    {
                        "code": "promise.journey.6.2",
                        "wording": "Reducing inequality and improving economic wellbeing",
                    },
                    {
                        "code": "promise.journey.6.3",
                        "wording": "Community engagement /participation/social cohesion",
                    },
                    {
                        "code": "promise.journey.6.4",
                        "wording": (
                            "Improving and supporting young people’s mental health and wellbeing?"
                        ),
                    },
                ),
            },
            {
                "code": "promise.offer",
                "title": "Universal Offers",
                "description": (
                    "We work closely with the Society of Chief Librarians (SCL) and the "
                    "Children’s Promise links to SCL’s Universal Offers:-"
                ),
                "outcomes": (
                    {
                        "code": "promise.offer.reading",
                        "wording": (
                            "Reading Offer: Books and reading focused promotions for under-fives "
                            "and older children linking to the calendar spikes of the reading "
                            "offer"
                        ),
                    },
                    {
                        "code": "promise.offer.learning-digital",
                        "wording": (
                            "Learning Offer and Digital Offer: Space and resources for formal "
                            "and informal learning including digital skills and creativity and "
                            "e: safety"
                        ),
                    },
                    {
                        "code": "promise.offer.health",
                        "wording": (
                            "Health Offer: Health information and support for children’s "
                            "well-being, social and emotional development and children and young "
                            "people’s mental health lists"
                        ),
                    },
                    {
                        "code": "promise.offer.information",
                        "wording": (
                            "Information Offer: Access to Information and signposting for parents"
                        ),
                    },
                    {
                        "code": "promise.offer.six-steps",
                        "wording": (
                            "Six Steps: Provision of accessible resources for children in public "
                            "libraries"
                        ),
                    },
                ),
            },
            {
                "code": "promise.ace",
                "title": "Arts Council England Quality Principles",
                "description": (
                    "The Children and Young People’s Promise also reflects the principles of "
                    "Arts Council England’s 7 Quality Principles for work with children and "
                    "young people."
                ),
                "outcomes": (
                    {
                        "code": "promise.ace.1",
                        "wording": "striving for excellence",
                    },
                    {
                        "code": "promise.ace.2",
                        "wording": "emphasising authenticity",
                    },
                    {
                        "code": "promise.ace.3",
                        "wording": "being inspiring, and engaging",
                    },
                    {
                        "code": "promise.ace.4",
                        "wording": "ensuring a positive child-centred experience",
                    },
                    {
                        "code": "promise.ace.5",
                        "wording": "actively involving children and young people",
                    },
                    {
                        "code": "promise.ace.6",
                        "wording": "providing a sense of personal progression",
                    },
                    {
                        "code": "promise.ace.7",
                        "wording": "developing a sense of ownership and belonging",
                    },
                ),
            },
        ),
    },
    {
        "code": "qlp",
        "name": "Quality Leaders Project youth strand",
        "source": (
            "“The National Youth Agency sponsors the Quality Leaders Project's Youth Strand”, "
            "the notice setting out the aims and outcomes of the QLP-Youth Project."
        ),
        "groups": (
            {
                "code": "qlp.aim",
                "title": "Aims of the QLP-Youth Project",
                "description": "",
                "outcomes": (
                    {
                        "code": "qlp.aim.a",
                        "wording": (
                            "To refocus public library service so that services to young people "
                            "are mainstreamed in accordance with the real needs of young people."
                        ),
                    },
                    {
                        "code": "qlp.aim.b",
                        "wording": (
                            "To provide new skills to library workers so that they can develop "
                            "and deliver new and innovative services needed by young people."
                        ),
                    },
                    {
                        "code": "qlp.aim.c",
                        "wording": (
                            "Develop, plan and implement new services for young people in "
                            "partnership with the youth themselves, and with other stakeholders."
                        ),
                    },
                    {
                        "code": "qlp.aim.d",
                        "wording": (
                            "To increase social cohesion by encouraging inter-generational work "
                            "and by encouraging different communities to work together."
                        ),
                    },
                ),
            },
            {
                "code": "qlp.outcome",
                "title": "Outcomes of the Project",
                "description": "",
                "outcomes": (
                    {
                        "code": "qlp.outcome.a",
                        "wording": (
                            "An innovative model of providing services to young people in a "
                            "partnership approach which empowers young people."
                        ),
                    },
                    {
                        "code": "qlp.outcome.b",
                        "wording": (
                            "Staff development: the development of new skills and expertise by "
                            "Quality Leaders and Quality teams from participating authorities."
                        ),
                    },
                    {
                        "code": "qlp.outcome.c",
                        "wording": (
                            "Service development/improvement: new services to meet new or unmet "
                            "needs of young people, especially from excluded communities and "
                            "potential users who may not have been reached by their authorities."
                        ),
                    },
                    {
                        "code": "qlp.outcome.d",
                        "wording": (
                            "The development of a QLP Training Manual for use by other public "
                            "service providers in the development of new QLP projects."
                        ),
                    },
                    {
                        "code": "qlp.outcome.e",
                        "wording": (
                            "Establishing a link between Best Value performance processes and "
                            "social exclusion performance targets within the participating "
                            "organisations and at the same time meet relevant requirements of "
                            "the Equality Standards and EU legislation on equalities."
                        ),
                    },
                    {
                        "code": "qlp.outcome.f",
                        "wording": (
                            "A new partnership approach bringing together various organisations "
                            "currently working in isolation."
                        ),
                    },
                ),
            },
        ),
    },
)
