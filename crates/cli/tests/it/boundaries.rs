//! Org-unit boundaries: imported from GeoJSON, stored on both engines,
//! and used to route points to the smallest unit containing them.

use crate::support::{Engine, TestApp, demo_boundaries};

crate::on_both_engines!(
    demo_boundaries_route_points_to_the_smallest_unit,
    bad_boundary_files_store_nothing
);

async fn demo_boundaries_route_points_to_the_smallest_unit(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    assert_eq!(
        app.app
            .import_boundaries(None, &demo_boundaries())
            .await
            .expect("import"),
        12
    );
    let router = app.app.router().await.expect("router");
    let route = |lat: f64, lon: f64| router.route(lat, lon).map(|u| u.to_string());
    assert_eq!(
        route(29.871, 31.216).as_deref(),
        Some("EG-GZ-BDR-SQR"),
        "Saqqara"
    );
    assert_eq!(
        route(29.85, 31.255).as_deref(),
        Some("EG-GZ-BDR-MRH"),
        "Mit Rahina"
    );
    assert_eq!(
        route(29.90, 31.30).as_deref(),
        Some("EG-GZ-BDR"),
        "Badrashin, outside its villages"
    );
    assert_eq!(
        route(29.40, 31.10).as_deref(),
        Some("EG-GZ"),
        "elsewhere in Giza"
    );
    assert_eq!(
        route(26.25, 50.19).as_deref(),
        Some("SA-04-KHB-THQ"),
        "Al Thuqbah"
    );
    assert_eq!(route(26.55, 50.00).as_deref(), Some("SA-04-QTF"), "Qatif");
    assert_eq!(
        route(30.04, 31.50),
        None,
        "Cairo is outside every demo boundary"
    );
    // Importing again replaces what was there.
    assert_eq!(
        app.app
            .import_boundaries(None, &demo_boundaries())
            .await
            .expect("again"),
        12
    );
    app.stop().await;
}

async fn bad_boundary_files_store_nothing(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let unknown = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"unit":"EG-GZ-BDR"},"geometry":{"type":"Polygon","coordinates":[[[31.1,29.8],[31.3,29.8],[31.3,29.9],[31.1,29.9],[31.1,29.8]]]}},
        {"type":"Feature","properties":{"unit":"EG-NOWHERE"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}"#;
    let open = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"unit":"EG-GZ-BDR"},"geometry":{"type":"Polygon","coordinates":[[[31.1,29.8],[31.3,29.8],[31.3,29.9],[31.1,29.9]]]}}]}"#;
    for (text, field, code) in [
        (unknown, "features[1].unit", "unit-unknown"),
        (open, "features[0]", "ring-not-closed"),
    ] {
        match app.app.import_boundaries(None, text).await {
            Err(baladiya_app::AppError::Invalid(errors)) => {
                assert_eq!((errors[0].field.as_str(), errors[0].code), (field, code));
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
    assert!(
        app.app.store.boundaries().await.expect("query").is_empty(),
        "nothing stored"
    );
    app.stop().await;
}
