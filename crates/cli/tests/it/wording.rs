//! Words that differ by country come from the country, and a department
//! has one name everywhere.

use reqwest::StatusCode;

use crate::support::{Engine, TestApp};

crate::on_both_engines!(each_country_reads_its_own_words);

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
