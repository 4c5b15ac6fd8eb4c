"""/tasks in headless Chromium: a department user lands on its queue and moves a task on from a phone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from dash.testing.wait import until
from selenium.webdriver.common.by import By

from fixtures.people import open_as
from gisapp.cases import workflow
from gisapp.core import db

pytestmark = pytest.mark.browser


def test_a_department_works_its_queue(dash_duo, app, database_url, first_micro_grid):
    with db.get_engine(database_url).begin() as c:   # committed: the server runs in another thread
        department = c.scalar(sa.text("SELECT department FROM app_user WHERE name = 'demo.department'"))
        case = c.scalar(sa.text("""
            INSERT INTO incident (category, description, geom)
            VALUES ('road', '路面塌陷，需城管到场', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"""),
            first_micro_grid)
        for _level in ("grid", "community", "street"):
            workflow.transition(c, case, "escalate", "值班员", "需街道协调")
        task = workflow.call_department(c, case, department, "值班员")
    dash_duo.driver.set_window_size(360, 640)
    open_as(dash_duo, app, "department", "/")               # a department lands on its queue
    dash_duo.wait_for_element(f".task-card[data-task='{task}']", timeout=15)
    card = dash_duo.find_element(f".task-card[data-task='{task}']")
    assert "路面塌陷" in card.text and "已呼叫" in card.text
    card.find_element(By.CSS_SELECTOR, "button").click()
    dash_duo.wait_for_contains_text(f".task-card[data-task='{task}'] .task-status", "已到场", timeout=10)
    dash_duo.find_element(f".task-card[data-task='{task}'] button").click()
    dash_duo.wait_for_text_to_equal("#queue-message", "已完成。", timeout=10)
    until(lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, f".task-card[data-task='{task}']"),
          timeout=10)   # the queue redraws with the message, but the browser may paint it a moment later
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, "nothing overflows a phone's width"
    with db.get_engine(database_url).connect() as c:
        assert c.scalar(sa.text("SELECT status FROM department_task WHERE id = :t"), {"t": task}) == "done"
