//! Words that differ by country come from the country, and a department
//! has one name everywhere; every page links the privacy notice and the
//! accessibility statement.

use reqwest::StatusCode;

use crate::support::{Engine, TestApp};

crate::on_both_engines!(
    each_country_reads_its_own_words,
    every_page_links_the_privacy_notice_and_the_accessibility_statement,
);

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.expect("html")
}

async fn each_country_reads_its_own_words(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let egyptian = page(&app, "/services/EG-SHOP-LICENSE-RENEWAL/apply?lang=ar").await;
    for word in ["رقم المحمول", "الرقم القومي", "الوحدة المحلية المختصة"]
    {
        assert!(egyptian.contains(word), "{word} on an Egyptian form");
    }
    assert!(
        !egyptian.contains("رقم الجوال"),
        "a Saudi word on an Egyptian form"
    );
    let saudi = page(&app, "/services/SA-BUILDING-PERMIT/apply").await;
    for word in [
        "رقم الجوال",
        "رقم الهوية الوطنية أو الإقامة",
        "البلدية المختصة",
    ] {
        assert!(saudi.contains(word), "{word} on a Saudi form");
    }
    for word in [
        "رقم المحمول",
        "الوحدة المحلية",
        "المركز التكنولوجي",
        "الحماية المدنية",
    ] {
        assert!(!saudi.contains(word), "the Egyptian {word} on a Saudi form");
    }
    // The published procedure names the Saudi department by its Saudi name.
    let procedure = page(&app, "/services/SA-BUILDING-PERMIT").await;
    assert!(procedure.contains("الدفاع المدني") && !procedure.contains("الحماية المدنية"));
    let egyptian_procedure = page(&app, "/services/EG-BUILDING-PERMIT").await;
    assert!(egyptian_procedure.contains("الحماية المدنية"));
    app.stop().await;
}

async fn every_page_links_the_privacy_notice_and_the_accessibility_statement(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    for path in ["/", "/services", "/reports/new", "/track"] {
        let html = page(&app, path).await;
        assert!(
            html.contains("href=\"/privacy\"") && html.contains("href=\"/accessibility\""),
            "{path} links them"
        );
    }
    let privacy = page(&app, "/privacy?lang=ar").await;
    for said in [
        "151 لسنة 2020",
        "م/19",
        "الرقم القومي أو رقم الهوية",
        "إلى متى",
        "من تسأل",
    ] {
        assert!(privacy.contains(said), "the privacy notice says {said}");
    }
    let statement = page(&app, "/accessibility?lang=en").await;
    assert!(statement.contains("WCAG 2.1 level AA") && statement.contains("320 pixels"));
    app.stop().await;
}
